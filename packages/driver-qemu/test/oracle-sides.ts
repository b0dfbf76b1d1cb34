// The two sides of a differential test in one scratch root: libvirtd's files under `theirs`,
// tsvirt's under `ours`, each file written with `DIR` standing for its side's directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestRoot } from './helpers.js';
import type { OracleSides } from './oracle-steps.js';

/** What moves between runs and sides: ptys and each side's own directory. */
export const maskSide = (text: string, dir: string): string => text.replaceAll(dir, 'DIR').replace(/\/dev\/pts\/\d+/g, '/dev/pts/N');

/**
 * `maskSide` and what else moves in a `domxml-to-native` line or a definition: each side's run
 * directory (libvirtd's, or the one under `rootDir`), the PATH each process has, and the UUID
 * each side generated.
 */
export const maskNative = (rootDir: string) => (text: string, dir: string): string => maskSide(text, dir)
  .replaceAll('/var/lib/libvirt/qemu/domain--1-', 'RUN/').replaceAll(`${rootDir}/run/qemu/domain--1-`, 'RUN/')
  .replace(/ PATH=\S+ /, ' PATH=… ').replace(/<uuid>[^<]*<\/uuid>/, '<uuid/>').replace(/ -uuid \S+ /, ' -uuid … ');

/** The `<devices>` element of a domain's XML, which these tests compare (the rest holds each side's ids and paths). */
export const domainDevices = (xml: string): string => /<devices>[\s\S]*<\/devices>/.exec(xml)?.[0] ?? '';

/** Makes both sides' directories in `root` with `files` (name → content, `DIR` replaced) in each. */
export function twoSides(root: TestRoot, files: Readonly<Record<string, string>>): OracleSides {
  const sides = { uri: root.uri, theirs: join(root.dir, 'theirs'), ours: join(root.dir, 'ours'), mask: maskSide };
  for (const dir of [sides.theirs, sides.ours]) {
    mkdirSync(dir);
    for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text.replaceAll('DIR', dir));
  }
  return sides;
}
