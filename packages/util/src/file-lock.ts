import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ErrorCode, ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';

export interface LockOptions {
  /** How long to wait for another holder before giving up (default 30 s). */
  readonly waitMs?: number;
  /**
   * @deprecated Ignored: a holder's lock is released by the kernel when it closes the file or
   * dies, and never taken from a live holder, however long it holds it.
   */
  readonly staleMs?: number;
  readonly domain?: ErrorDomain;
}

/** The exit status flock(1) is told to give when the wait runs out (BSD's EX_TEMPFAIL). */
const CONFLICT_STATUS = 75;
/** flock(1) takes the lock on its file descriptor 3, which is ours. */
const LOCK_FD = 3;

/**
 * Takes flock(2)'s exclusive lock on the open file description `fd` refers to. Node has no
 * binding for flock, so util-linux's flock(1) takes it on a copy of our descriptor: the lock
 * belongs to the open file description, which we keep after flock(1) exits. It waits in the
 * kernel, without polling.
 */
function flockExclusive(fd: number, path: string, waitMs: number, domain: ErrorDomain): Promise<void> {
  const args = ['--exclusive', '--conflict-exit-code', String(CONFLICT_STATUS), '--wait', String(waitMs / 1000), String(LOCK_FD)];
  return new Promise((resolve, reject) => {
    const child = spawn('flock', args, { stdio: ['ignore', 'ignore', 'pipe', fd] });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('error', (e) => {
      reject(new VirError(ErrorCode.SYSTEM_ERROR, `cannot acquire lock '${path}': cannot run flock(1) of util-linux: ${e.message}`,
        domain, { cause: e }));
    });
    child.on('close', (status) => {
      if (status === 0) resolve();
      else if (status === CONFLICT_STATUS) {
        reject(new VirError(ErrorCode.OPERATION_TIMEOUT, `cannot acquire lock '${path}': held by another process`, domain));
      } else {
        reject(new VirError(ErrorCode.SYSTEM_ERROR, `cannot acquire lock '${path}': ${stderr.trim() || `flock exited with ${status}`}`, domain));
      }
    });
  });
}

/**
 * Runs `fn` while holding an exclusive lock on `path`, shared between processes (flock(2) on the
 * file). The kernel releases it the moment its holder closes the file or dies (kill -9 included),
 * and never gives it to anyone else while the holder lives, however long its event loop stalls.
 * The descriptor is close-on-exec, so programs the holder starts never keep the lock.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  const domain = opts.domain ?? ErrorDomain.NONE;
  await mkdir(dirname(path), { recursive: true });
  const file = await open(path, 'a');
  try {
    await flockExclusive(file.fd, path, opts.waitMs ?? 30_000, domain);
    return await fn();
  } finally {
    await file.close();
  }
}
