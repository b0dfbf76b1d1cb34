import { DomainEventDetail, DomainShutoffReason } from '@tsvirt/api';
import { isProcessAlive } from '@tsvirt/util';
import { type ActiveStatus } from '../state/lxc-status.js';
import { readExit } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { tearDown } from './lxc-stop.js';

/** Whether the container behind a status has ended: its controller is gone or has recorded init's exit. */
export async function hasEnded(drv: LxcContext, s: ActiveStatus): Promise<boolean> {
  if (s.phase !== 'active') return false;
  if (!s.controller || !(await isProcessAlive(s.controller.pid, s.controller.start))) return true;
  return (await readExit(drv.paths, s.name)) !== undefined;
}

/**
 * Brings a status in line with the container behind it, as libvirt's reconnect after a daemon
 * restart does: a start whose process died midway is undone (failed); a container whose init has
 * exited is recorded shut off. libvirt reports both an init that exited and one that was killed
 * as shut off (shutdown); the event says shutdown when the controller recorded the exit, failed
 * when the controller itself died. Returns whether the domain still runs. The caller holds the
 * domain's job lock.
 */
export async function reconcile(drv: LxcContext, s: ActiveStatus): Promise<boolean> {
  if (s.phase === 'starting') {
    await tearDown(drv, s, DomainShutoffReason.FAILED, DomainEventDetail.STOPPED.FAILED);
    return false;
  }
  if (!(await hasEnded(drv, s))) return true;
  const record = await readExit(drv.paths, s.name);
  const detail = record?.status === 'shutdown' ? DomainEventDetail.STOPPED.SHUTDOWN : DomainEventDetail.STOPPED.FAILED;
  await tearDown(drv, s, DomainShutoffReason.SHUTDOWN, detail);
  return false;
}
