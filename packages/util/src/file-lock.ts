import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from './spawn-lazily.js';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { ErrorCode, ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';
import { LOCK_KEEPER } from './lock-keeper-program.js';

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

type Keeper = ChildProcessByStdio<Writable, Readable, null>;
/** What a request waits for: the keeper's answer, `undefined` for "ok", or its error text. */
type Pending = (err: string | undefined) => void;

let keeper: Keeper | undefined;
let nextId = 0;
const pending = new Map<number, Pending>();

/** Keeps the process alive only while some lock request waits for its answer. */
function setRef(k: Keeper): void {
  // The pipes of a child are sockets, which can be ref'd and unref'd.
  for (const s of [k, k.stdin, k.stdout] as unknown as Array<{ ref(): void; unref(): void }>) {
    if (pending.size > 0) s.ref();
    else s.unref();
  }
}

/** Fails every waiting request and forgets the keeper, so the next lock starts a new one. */
function keeperGone(k: Keeper, why: string): void {
  if (keeper !== k) return;
  keeper = undefined;
  for (const [id, answer] of pending) {
    pending.delete(id);
    answer(why);
  }
}

/** The process's lock keeper (LOCK_KEEPER), started on first use. */
function lockKeeper(): Keeper {
  if (keeper) return keeper;
  const k: Keeper = spawn('perl', ['-e', LOCK_KEEPER], { stdio: ['pipe', 'pipe', 'inherit'] });
  keeper = k;
  let buffered = '';
  k.stdout.setEncoding('utf8').on('data', (d: string) => {
    buffered += d;
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const [word, id, ...text] = buffered.slice(0, nl).split(' ');
      buffered = buffered.slice(nl + 1);
      const answer = pending.get(Number(id));
      if (!answer) continue;
      pending.delete(Number(id));
      answer(word === 'ok' ? undefined : text.join(' '));
    }
    setRef(k);
  });
  k.on('error', (e) => keeperGone(k, `cannot run the lock keeper (perl): ${e.message}`));
  k.on('close', (status, signal) => keeperGone(k, `the lock keeper (perl) ended (${signal ?? status})`));
  k.stdin.on('error', () => undefined);
  return k;
}

/**
 * Starts the process's lock keeper ahead of its first lock, for a caller about to take one, so
 * that perl's start overlaps the caller's other work; it keeps no process alive while idle.
 */
export function prepareFileLocks(): void {
  if (!keeper) setRef(lockKeeper());
}

/** Sends a request; its answer comes through `answer`. */
function send(k: Keeper, line: string, id: number, answer?: Pending): void {
  if (answer) pending.set(id, answer);
  k.stdin.write(`${line}\n`);
  setRef(k);
}

/**
 * Takes flock(2)'s exclusive lock on `path` through the keeper, waiting at most `waitMs`; returns
 * its release. A busy lock is waited for in the kernel, without polling.
 */
function acquire(path: string, waitMs: number, domain: ErrorDomain): Promise<() => void> {
  const k = lockKeeper();
  const id = nextId++;
  const release = (): void => {
    pending.delete(id);
    if (keeper === k) send(k, `R ${id}`, id);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      release();
      reject(new VirError(ErrorCode.OPERATION_TIMEOUT, `cannot acquire lock '${path}': held by another process`, domain));
    }, waitMs);
    send(k, `A ${id} ${Buffer.from(path).toString('hex')}`, id, (err) => {
      clearTimeout(timer);
      if (err === undefined) resolve(release);
      else reject(new VirError(ErrorCode.SYSTEM_ERROR, `cannot acquire lock '${path}': ${err}`, domain));
    });
  });
}

/**
 * Runs `fn` while holding an exclusive lock on `path`, shared between processes (flock(2) on the
 * file). The process's lock keeper holds it: the kernel releases it the moment the holder lets go
 * or dies (kill -9 included: the keeper sees its pipe close and exits), and never gives it to
 * anyone else while the holder lives, however long its event loop stalls. Programs the holder
 * starts never inherit it. Two holders in one process take turns like two processes.
 */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  prepareFileLocks();
  // Made at once (microseconds): fs/promises would be a thread-pool trip, and loading it costs a
  // command that uses nothing else of it about 5 ms.
  mkdirSync(dirname(path), { recursive: true });
  const release = await acquire(path, opts.waitMs ?? 30_000, opts.domain ?? ErrorDomain.NONE);
  try {
    return await fn();
  } finally {
    release();
  }
}
