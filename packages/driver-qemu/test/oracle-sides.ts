// The two sides of a differential test in one scratch root: libvirtd's files under `theirs`,
// tsvirt's under `ours`, each file written with `DIR` standing for its side's directory.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect } from 'vitest';
import { TestRoot } from './helpers.js';
import { forgetSystemDomain, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

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

/** What a two-sided suite makes besides its XML files, and what it leaves for its end to remove. */
export interface OracleSuiteOptions {
  /** The domains it may leave on libvirtd. */
  readonly domains: readonly string[];
  /** Masks both sides' answers in place of `maskSide`, given the root's directory. */
  readonly mask?: (rootDir: string) => OracleSides['mask'];
  /** Empty 1 MiB disk images made in each side's directory. */
  readonly images?: readonly string[];
  /** Shared memory objects (under /dev/shm) its devices may leave. */
  readonly shm?: readonly string[];
}

/** What the tests of a two-sided suite read once its setup ran. */
export interface OracleSuite {
  readonly root: TestRoot;
  readonly sides: OracleSides;
}

/**
 * The setup every two-sided suite shares, registered in the calling `describe`: libvirtd up, a
 * scratch root, `files` (name → XML) written on both sides as `name.xml`; at the end the suite's
 * domains forgotten on libvirtd, its shared memory and the root removed.
 */
export function oracleSuite(files: Readonly<Record<string, string>>, options: OracleSuiteOptions): OracleSuite {
  let made: OracleSuite | undefined;
  beforeAll(() => {
    execFileSync(fileURLToPath(new URL('../scripts/libvirtd-up.sh', import.meta.url)), { stdio: 'inherit' });
    const root = new TestRoot();
    const sides = twoSides(root, Object.fromEntries(Object.entries(files).map(([name, xml]) => [`${name}.xml`, xml])));
    for (const dir of [sides.theirs, sides.ours]) for (const image of options.images ?? []) execFileSync('truncate', ['-s', '1M', join(dir, image)]);
    made = { root, sides: options.mask ? { ...sides, mask: options.mask(root.dir) } : sides };
  });
  afterAll(async () => {
    for (const name of options.domains) forgetSystemDomain(name);
    for (const name of options.shm ?? []) rmSync(`/dev/shm/${name}`, { force: true });
    await made?.root.cleanup();
  });
  const ready = (): OracleSuite => {
    if (!made) throw new Error('an oracle suite read before its setup ran');
    return made;
  };
  return { get root() { return ready().root; }, get sides() { return ready().sides; } };
}

/** The `<devices>` of domain `name` (`dumpxml` with `flags`) on both sides of `suite`, masked: libvirt's, once tsvirt's is expected to equal it. */
export async function sameDevices(suite: OracleSuite, name: string, ...flags: string[]): Promise<string> {
  const args = ['dumpxml', ...flags, name];
  const theirs = suite.sides.mask(domainDevices(systemVirsh(args).stdout), suite.sides.theirs);
  expect(suite.sides.mask(domainDevices((await tsvirsh(suite.root.uri, ...args)).stdout), suite.sides.ours)).toBe(theirs);
  return theirs;
}
