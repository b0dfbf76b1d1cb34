import type { ChildProcess } from 'node:child_process';

/** The QEMU processes this process started and that have not exited, by pid. */
const exits = new Map<number, Promise<void>>();

/** Follows the exit of a QEMU this process started: its parent is told at once, with nothing to poll. */
export function followExit(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => {
    // a later child may have the pid again by now
    if (exits.get(pid) === exited) exits.delete(pid);
    resolve();
  }));
  exits.set(pid, exited);
}

/**
 * Waits up to `ms` for QEMU `pid` to exit, when this process started it; false when it did not
 * (Node has no pidfd: another process's QEMU can only be looked at again).
 */
export async function waitForChildExit(pid: number, ms: number): Promise<boolean> {
  const exit = exits.get(pid);
  if (exit === undefined) return false;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exit, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
  return true;
}
