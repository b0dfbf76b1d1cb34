import { join } from 'node:path';
import { DomainState } from '@tsvirt/api';
import { readSmallTextIfExists } from '@tsvirt/util';

/**
 * QEMU's run state changes, written by QEMU itself to a file in the run directory through its
 * `runstate_set` trace event. Any process can read what QEMU's state is now without a monitor
 * connection (QEMU serves one client at a time, and a handshake per domain is what made opening
 * a root slow); a guest that powered itself off shows up here at once.
 */
export const runStateFile = (runDir: string): string => join(runDir, 'runstate.log');

/** The arguments that make QEMU keep the log; added by the launcher, outside libvirt's command line. */
export const runStateArgs = (runDir: string): string[] => ['-trace', `enable=runstate_set,file=${runStateFile(runDir).replaceAll(',', ',,')}`];

/** QEMU's current run state (`running`, `paused`, `shutdown`, ...); undefined when the log is missing or empty. */
export async function qemuRunState(runDir: string): Promise<string | undefined> {
  let text = '';
  try {
    text = readSmallTextIfExists(runStateFile(runDir)) ?? '';
  } catch {
    // an unreadable log is no log: the status is taken on its word
  }
  const last = text.trimEnd().split('\n').pop() ?? '';
  return /new_state \d+ \(([\w-]+)\)/.exec(last)?.[1];
}

/** Whether QEMU's run state is the one a status records; a run without a log (an older run) is taken on its word. */
export async function runStateAgrees(runDir: string, state: number): Promise<boolean> {
  const qs = await qemuRunState(runDir);
  if (qs === undefined) return true;
  switch (state) {
    case DomainState.RUNNING: return qs === 'running';
    case DomainState.PAUSED: return qs === 'paused' || qs === 'prelaunch' || qs === 'suspended';
    case DomainState.CRASHED: return qs === 'guest-panicked';
    case DomainState.SHUTDOWN: return qs === 'shutdown';
    default: return false;
  }
}
