import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up (default 30 s). */
  readonly waitMs?: number;
  /** A lock whose holder stopped refreshing it for this long is taken over (default 10 s). */
  readonly staleMs?: number;
  readonly domain?: ErrorDomain;
}

/**
 * Runs `fn` while holding an exclusive lock on `path`, shared between processes. A holder that
 * died (kill -9) leaves a stale lock that is taken over after `staleMs`, so a crash never wedges
 * the state directory.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, '', { flag: 'a' });
  const waitMs = opts.waitMs ?? 30_000;
  const staleMs = opts.staleMs ?? 10_000;
  let release: () => Promise<void>;
  // Loaded on first use, to keep commands that take no lock quick to start.
  const { default: lockfile } = await import('proper-lockfile');
  try {
    release = await lockfile.lock(path, {
      stale: staleMs,
      update: Math.max(1000, Math.floor(staleMs / 2)),
      realpath: false,
      retries: { retries: Math.ceil(waitMs / 50), factor: 1, minTimeout: 50, maxTimeout: 50 },
    });
  } catch (e) {
    throw new VirError(
      ErrorCode.OPERATION_TIMEOUT,
      `cannot acquire lock '${path}': held by another process`,
      opts.domain ?? ErrorDomain.NONE,
      { cause: e },
    );
  }
  try {
    return await fn();
  } finally {
    await release().catch(() => undefined);
  }
}
