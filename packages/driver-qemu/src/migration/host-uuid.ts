import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DriverPaths } from '../state/driver-paths.js';

/**
 * The root's host identity (libvirt's `host_uuid`): a UUID kept in the config directory, made on
 * first use. Each root has its own, so two roots on one machine are two hosts to migration, and
 * a root migrating to itself is refused.
 */
export async function hostUuid(paths: DriverPaths): Promise<string> {
  const file = join(paths.configDir, 'host-uuid');
  const read = async (): Promise<string | undefined> => (await readFile(file, 'utf8').catch(() => '')).trim() || undefined;
  const known = await read();
  if (known) return known;
  await mkdir(paths.configDir, { recursive: true });
  // 'wx': of two processes making it at once, the first one's UUID is everyone's
  await writeFile(file, `${randomUUID()}\n`, { flag: 'wx' }).catch(() => undefined);
  return (await read())!;
}
