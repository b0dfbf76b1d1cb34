import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorDomain } from './errors/error-codes.js';
import { systemError } from './errors/vir-error.js';

/**
 * Writes a file so that readers see either the old or the new content, never a torn one: the
 * data goes to a temporary file that is fsynced and renamed over the target. Parent directories
 * are created as needed.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  opts: { mode?: number; domain?: ErrorDomain } = {},
): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    // Loaded on first use, to keep commands that write nothing quick to start.
    const { default: writeFileAtomicLib } = await import('write-file-atomic');
    await writeFileAtomicLib(path, typeof data === 'string' ? data : Buffer.from(data), {
      fsync: true,
      ...(opts.mode !== undefined ? { mode: opts.mode } : {}),
    });
  } catch (e) {
    throw systemError(`cannot write file '${path}'`, e as NodeJS.ErrnoException, opts.domain ?? ErrorDomain.NONE);
  }
}
