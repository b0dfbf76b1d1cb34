import { join } from 'node:path';

/** Where sysfs is mounted: `TSVIRT_SYSFS_ROOT` (for tests on a fake tree) or `/sys`. */
export function sysfsRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env['TSVIRT_SYSFS_ROOT'] || '/sys';
}

/** A path below the sysfs root, e.g. `sysfsPath('dev/block/7:0/queue/unpriv_sgio')`. */
export function sysfsPath(relative: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(sysfsRoot(env), relative);
}
