import { ErrorCode, ErrorDomain, VirError, isProcessAlive } from '@tsvirt/util';

/** How long QEMU gets to exit on SIGTERM before SIGKILL (libvirt waits 10 s; QEMU needs milliseconds). */
const GRACE_MS = 3000;
/** How long a SIGKILLed process may take to disappear (a process in uninterruptible I/O lingers). */
const KILL_WAIT_MS = 10_000;
const POLL_MS = 5;
/** A pause between two looks (not timers/promises: loading it cost a destroy about 1M instructions). */
const pause = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, POLL_MS));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

async function waitGone(pid: number, start: string | undefined, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!(await isProcessAlive(pid, start))) return true;
    await pause();
  }
  return !(await isProcessAlive(pid, start));
}

/** How a process was stopped: it was gone already, went on SIGTERM (QEMU then reports a host SHUTDOWN), or needed SIGKILL. */
export type KillOutcome = 'gone' | 'terminated' | 'killed';

/** Stops a QEMU process: SIGTERM, then SIGKILL when it has not gone after a grace period. */
export async function killQemu(pid: number, start: string | undefined): Promise<KillOutcome> {
  if (!(await isProcessAlive(pid, start))) return 'gone';
  signal(pid, 'SIGTERM');
  if (await waitGone(pid, start, GRACE_MS)) return 'terminated';
  signal(pid, 'SIGKILL');
  if (await waitGone(pid, start, KILL_WAIT_MS)) return 'killed';
  throw new VirError(ErrorCode.SYSTEM_ERROR, `Failed to terminate process ${pid} with SIGKILL: Device or resource busy`, ErrorDomain.QEMU);
}
