import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { StateFile } from '@tsvirt/conf/state';
import { ErrorDomain, systemError } from '@tsvirt/util';

/**
 * Writes a run-time record atomically: the text goes to `PATH.HEX` and is renamed over PATH, so
 * a reader sees the old or the new record, never a torn one. No fsync: run-time state lives in
 * /run and means nothing after a reboot, which no container survives; a flush would cost every
 * start milliseconds (tens on a loaded disk) for nothing.
 */
export async function writeRuntimeFile(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString('hex')}`;
  try {
    await writeFile(tmp, text).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
      await mkdir(dirname(path), { recursive: true });
      await writeFile(tmp, text);
    });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw systemError(`cannot write file '${path}'`, e as NodeJS.ErrnoException, ErrorDomain.LXC);
  }
}

/** A state file kind whose files are run-time records, written by writeRuntimeFile. */
export function runtimeStateFile<T>(file: StateFile<T>): StateFile<T> {
  return { ...file, write: (path, data) => writeRuntimeFile(path, file.serialize(data)) };
}
