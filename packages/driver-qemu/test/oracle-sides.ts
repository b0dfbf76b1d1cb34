// The two sides of a differential test in one scratch root: libvirtd's files under `theirs`,
// tsvirt's under `ours`, each file written with `DIR` standing for its side's directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRoot } from './helpers.js';
import type { OracleSides } from './oracle-steps.js';

/** What moves between runs and sides: ptys and each side's own directory. */
export const maskSide = (text: string, dir: string): string => text.replaceAll(dir, 'DIR').replace(/\/dev\/pts\/\d+/g, '/dev/pts/N');

/** Makes both sides' directories in `root` with `files` (name → content, `DIR` replaced) in each. */
export function twoSides(root: TestRoot, files: Readonly<Record<string, string>>): OracleSides {
  const sides = { uri: root.uri, theirs: join(root.dir, 'theirs'), ours: join(root.dir, 'ours'), mask: maskSide };
  for (const dir of [sides.theirs, sides.ours]) {
    mkdirSync(dir);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text.replaceAll('DIR', dir));
  }
  return sides;
}
