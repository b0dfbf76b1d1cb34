import { parseDomainXML } from '@tsvirt/conf';
import {
  DomainEventDetail, DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainState,
} from '@tsvirt/api';
import { logger, isProcessAlive } from '@tsvirt/util';
import { deleteDiskNodes, forgetDisk, peripheralIds } from '../hotplug/disk-removal.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { hasUnsettledWork, type ActiveStatus } from '../state/domain-status.js';
import { readPending, writeStatus } from '../state/run-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { runStateAgrees } from '../process/runstate-log.js';
import type { DriverContext } from './driver-context.js';
import { tearDown } from './domain-stop.js';
import { withMonitor } from './monitor.js';
import { takeSettledAtOpen } from './settled-at-open.js';
import { fakeReboot } from '../events/lifecycle-actions.js';
import { forgetInterface } from '../hotplug/interface-hotplug.js';
import { forgetMemory } from '../memdev/memory-hotplug.js';
import { forgetWholeDevice } from '../hotplug/whole-unplug.js';

const log = logger('qemu.reconnect');

/** Finishes plugs and unplugs that a job left open: the device's presence in QEMU decides. */
export async function settleHotplug(drv: DriverContext, mon: QmpClient, status: ActiveStatus): Promise<boolean> {
  if (status.pendingUnplug.length === 0 && status.pendingPlug === undefined) return false;
  const ids = await peripheralIds(mon);
  for (const alias of [...status.pendingUnplug]) {
    if (ids.has(alias)) continue;
    await forgetMemory(mon, status, alias);
    await forgetInterface(drv, mon, status, alias);
    await forgetWholeDevice(mon, status, alias);
    await deleteDiskNodes(mon, status.diskNodes[alias]);
    forgetDisk(status, alias);
  }
  const plug = status.pendingPlug;
  if (plug !== undefined) {
    if (ids.has(plug)) status.pendingPlug = undefined;
    else {
      // The attaching process died before device_add: undo its half-made block nodes.
      await deleteDiskNodes(mon, status.diskNodes[plug]);
      forgetDisk(status, plug);
    }
  }
  return true;
}

/** Follows the run state QEMU reports; returns whether the guest has powered itself off. */
async function followRunState(mon: QmpClient, status: ActiveStatus): Promise<boolean> {
  const { status: qs } = await mon.execute<{ status: string; running: boolean }>('query-status');
  if (qs === 'shutdown') {
    if (!status.fakeReboot) return true;
    await fakeReboot(mon, status);
  } else if (qs === 'running' && status.state !== DomainState.RUNNING) {
    status.state = DomainState.RUNNING;
    status.reason = DomainRunningReason.UNPAUSED;
  } else if (qs !== 'running' && status.state === DomainState.RUNNING) {
    status.state = DomainState.PAUSED;
    status.reason = qs === 'io-error' ? DomainPausedReason.IOERROR : DomainPausedReason.UNKNOWN;
  }
  return false;
}

/** Whether something only QEMU can settle is open: a hotplug (in the status or its journal), a reboot waiting for the guest, or a run state that QEMU's own log contradicts. */
export async function isUnsettled(drv: DriverContext, status: ActiveStatus): Promise<boolean> {
  return hasUnsettledWork(status) || (await readPending(drv.paths, status)) !== undefined || !(await runStateAgrees(status.runDir, status.state));
}

/**
 * Whether a running domain's status can be trusted as it is: its QEMU lives (pid and start time)
 * and nothing is left to settle. The look needs no lock and no monitor connection. While this
 * process holds the domain's event monitor with none of its events waiting, QEMU's exit and run
 * state reach it as events: only what a job of another process may have left open is looked at,
 * the hotplug journal, which a reader of the run state alone (`stateOnly`) need not look for.
 */
export async function isSettled(drv: DriverContext, status: ActiveStatus, stateOnly = false): Promise<boolean> {
  if (status.phase !== 'active' || status.pid === undefined) return false;
  if (takeSettledAtOpen(status)) return true;
  if (drv.watcher.isCurrent(status.name, status.pid)) return !hasUnsettledWork(status) && (stateOnly || (await readPending(drv.paths, status)) === undefined);
  return (await isProcessAlive(status.pid, status.pidStart)) && !(await isUnsettled(drv, status));
}

/**
 * Brings a status in line with the QEMU behind it, as libvirt's reconnect after a daemon restart
 * does: a start whose process died midway is undone, a dead QEMU makes the domain shut off
 * (crashed), and with `useMonitor` the run state and unfinished hotplugs are read from QEMU.
 * Returns the status still active, or undefined when the domain is no longer running. The caller
 * holds the domain's job lock.
 */
export async function reconcile(drv: DriverContext, status: ActiveStatus, useMonitor: boolean): Promise<ActiveStatus | undefined> {
  if (status.phase === 'starting') {
    log.info(`domain '${status.name}': undoing a start its process did not finish`);
    await tearDown(drv, status, DomainShutoffReason.FAILED, { detail: DomainEventDetail.STOPPED.FAILED });
    return undefined;
  }
  if (status.pid === undefined || !(await isProcessAlive(status.pid, status.pidStart))) {
    await tearDown(drv, status, DomainShutoffReason.CRASHED, { detail: DomainEventDetail.STOPPED.FAILED });
    return undefined;
  }
  if (!useMonitor) return status;
  const before = JSON.stringify(status);
  const journal = await readPending(drv.paths, status);
  if (journal) Object.assign(status, journal);
  let poweredOff: boolean;
  try {
    poweredOff = await withMonitor(status, async (mon) => {
      await settleHotplug(drv, mon, status);
      return followRunState(mon, status);
    });
  } catch (e) {
    // QEMU may have died between the check and the connection.
    if (!(await isProcessAlive(status.pid, status.pidStart))) return reconcile(drv, status, false);
    throw e;
  }
  if (poweredOff) {
    const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
    if (def.onPoweroff === 'restart') {
      status.fakeReboot = true;
      return reconcile(drv, status, true);
    }
    await tearDown(drv, status, DomainShutoffReason.SHUTDOWN, { detail: DomainEventDetail.STOPPED.SHUTDOWN });
    return undefined;
  }
  if (journal || JSON.stringify(status) !== before) await writeStatus(drv.paths, status);
  return status;
}
