/**
 * A child process a test waits on, with every wait bounded: a child that does not end in time is
 * killed and the wait fails naming it with what it printed, so a hung client (a listener missing
 * its event, a daemon ignoring SIGTERM) fails its test instead of the whole run.
 */
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** How a child ended. */
export interface ChildEnd {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  /** Why it never started (ENOENT, EACCES), when it did not. */
  readonly error?: Error;
}

/** A child being watched: its output so far and a bounded wait for its end. */
export interface WatchedChild {
  /** What the failures call it (the program and its arguments, say). */
  readonly name: string;
  readonly child: ChildProcess;
  /** What it wrote to stdout and stderr so far (when they are pipes). */
  readonly stdout: string;
  readonly stderr: string;
  /** How it ended, once it has exited and closed its output; undefined while it runs. */
  readonly end: ChildEnd | undefined;
  /**
   * Its end, waited for at most `ms`: a child still running then is killed (SIGKILL) and the
   * wait fails with an error naming it, with its pid and what it printed.
   */
  ended(ms: number): Promise<ChildEnd>;
  /** The same for its exit alone: a daemon whose children (QEMU) outlive it and keep its output open. */
  exited(ms: number): Promise<ChildEnd>;
}

/** How long a killed child may take to be reaped before the wait gives up on it too. */
const REAP_MS = 5_000;
/** How much of each output a failure quotes (its end, where a hung program's last words are). */
const QUOTED = 2_000;

const tail = (s: string): string => JSON.stringify(s.length > QUOTED ? `…${s.slice(-QUOTED)}` : s);

/** The error of a child that did not end within `ms`. */
export class ChildTimeout extends Error {
  constructor(readonly watched: WatchedChild, ms: number, how: string) {
    super(`${watched.name} (pid ${watched.child.pid}) did not exit within ${ms / 1000} s, ${how}; ` +
      `stdout ${tail(watched.stdout)}, stderr ${tail(watched.stderr)}`);
    this.name = 'ChildTimeout';
  }
}

/** Watches `child` from now on (call it right after spawn, so no output is missed). */
export function watchChild(name: string, child: ChildProcess): WatchedChild {
  let stdout = '';
  let stderr = '';
  let end: ChildEnd | undefined;
  child.stdout?.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (stderr += b.toString()));
  // 'close': exited and its output read to the end; 'error': it never started
  const closed = new Promise<ChildEnd>((resolve) => {
    child.once('close', (code, signal) => resolve((end = { code, signal })));
    child.once('error', (error) => resolve((end = { code: null, signal: null, error })));
  });
  const exited = new Promise<ChildEnd>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });
  /** `what` within `ms`, or the child killed and the wait failed. */
  const within = async (what: Promise<ChildEnd>, ms: number): Promise<ChildEnd> => {
    const timer = new AbortController();
    const late = sleep(ms, undefined, { signal: timer.signal }).then(() => undefined, () => undefined);
    const r = await Promise.race([what, late]);
    timer.abort();
    if (r) return r;
    child.kill('SIGKILL');
    // a killed child is reaped at once; its output may stay open in a grandchild, so only the exit counts
    const reaped = await Promise.race([exited.then(() => true), sleep(REAP_MS).then(() => false)]);
    throw new ChildTimeout(watched, ms, reaped ? 'killed' : `and was still there ${REAP_MS / 1000} s after SIGKILL`);
  };
  const watched: WatchedChild = {
    name,
    child,
    get stdout() { return stdout; },
    get stderr() { return stderr; },
    get end() { return end; },
    ended: (ms) => within(closed, ms),
    exited: (ms) => within(exited, ms),
  };
  return watched;
}
