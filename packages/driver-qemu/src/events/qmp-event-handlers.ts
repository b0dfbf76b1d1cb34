import { parseDomainXML } from '@tsvirt/conf';
import {
  DomainBlockJobStatus, DomainBlockJobType, DomainCrashedReason, DomainEventAgentLifecycleReason, DomainEventDetail, DomainEventID, DomainEventType,
  DomainPausedReason, DomainRunningReason, DomainShutdownReason, DomainShutoffReason, DomainState,
} from '@tsvirt/api';
import { disksOf } from '../devices/qemu-disk.js';
import { formatNode, storageNode } from '../command/disk-props.js';
import { settleHotplug } from '../driver/domain-reconnect.js';
import { tearDown } from '../driver/domain-stop.js';
import type { DriverContext } from '../driver/driver-context.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { QmpEvent } from '../qmp/qmp-types.js';
import { isActiveStatus, type ActiveStatus, type DomainStatus } from '../state/domain-status.js';
import { readPending, writeStatus } from '../state/run-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { fakeReboot, lifecycleOf, outcomeOf, shutdownSilent } from './lifecycle-actions.js';
import { thresholdEvents } from '../blockjob/threshold-event.js';
import { settleJobs } from '../blockjob/block-jobs.js';
import { autoCoreDump } from './auto-dump.js';
import { agentLifecycle, followChannel } from '../agent/channel-state.js';
import { followMemorySize, refreshMemorySizes } from '../memdev/size-change.js';

/** A running QEMU as the watcher holds it. */
export interface EventTarget {
  readonly name: string;
  readonly uuid: string;
  readonly pid: number;
  client: QmpClient | undefined;
  /** QEMU reported SHUTDOWN: its exit is a shutdown, not a crash. */
  shutdownSeen: boolean;
}

/** SHUTDOWN reasons after which QEMU exits by itself (-no-shutdown stops it only for the others). */
const EXITING = new Set(['host-qmp-quit', 'host-signal', 'host-ui']);
/** SHUTDOWN reasons that are a reset turned into a shutdown (`set-action reboot=shutdown`). */
const RESET_AS_SHUTDOWN = new Set(['guest-reset', 'host-qmp-system-reset']);

const BLOCK_JOB_TYPE: Record<string, number> = {
  stream: DomainBlockJobType.PULL, mirror: DomainBlockJobType.COPY, commit: DomainBlockJobType.COMMIT, backup: DomainBlockJobType.BACKUP,
};

/** The STOPPED detail for how a status says a domain stopped (a transient domain leaves none: destroyed). */
export function stoppedDetail(s: DomainStatus | undefined): number {
  const D = DomainEventDetail.STOPPED;
  if (s?.phase !== 'inactive') return D.DESTROYED;
  const byReason: Partial<Record<number, number>> = {
    [DomainShutoffReason.SHUTDOWN]: D.SHUTDOWN, [DomainShutoffReason.CRASHED]: D.FAILED, [DomainShutoffReason.SAVED]: D.SAVED,
    [DomainShutoffReason.FAILED]: D.FAILED, [DomainShutoffReason.MIGRATED]: D.MIGRATED, [DomainShutoffReason.FROM_SNAPSHOT]: D.FROM_SNAPSHOT,
  };
  return byReason[s.reason] ?? D.DESTROYED;
}

/** One domain's view for the handlers: the status under the job lock and the monitor to act through. */
interface Ctx {
  readonly drv: DriverContext;
  readonly t: EventTarget;
  readonly s: ActiveStatus;
  readonly mon: QmpClient;
}

const refOf = (s: ActiveStatus) => ({ name: s.name, uuid: s.uuid, id: s.id });

/** Raises a lifecycle event unless this process already announced the state it leads to. */
function announce(c: Ctx, state: number, event: number, detail: number): void {
  if (c.drv.events.told(c.s.uuid) !== state) c.drv.events.raise(refOf(c.s), event, detail);
}

/**
 * Restarts the stopped guest (libvirt's fake reboot). Only a crashed guest is announced running
 * again: a power-off or reboot that restarts never left the running state, as in libvirt.
 */
async function restart(c: Ctx): Promise<void> {
  const crashed = c.s.state === DomainState.CRASHED;
  await fakeReboot(c.mon, c.s);
  if (crashed) c.drv.events.raise(refOf(c.s), DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED);
  await writeStatus(c.drv.paths, c.s);
}

/** Whether QEMU's SHUTDOWN (with this reason) ends in a restart: a reboot asked for, or the on_poweroff/on_reboot action. */
function restarts(s: ActiveStatus, reason: string): boolean {
  if (s.fakeReboot) return true;
  const lc = lifecycleOf(s);
  const action = RESET_AS_SHUTDOWN.has(reason) && lc.onReboot === 'destroy' ? lc.onReboot : lc.onPoweroff;
  return outcomeOf(action, false) === 'restart';
}

/** SHUTDOWN's lifecycle detail: who asked for the power-off, as QEMU says. */
function shutdownDetail(data: Record<string, unknown>): number {
  const D = DomainEventDetail.SHUTDOWN;
  return data['guest'] === true ? D.GUEST : data['guest'] === false ? D.HOST : D.FINISHED;
}

/**
 * The SHUTDOWN lifecycle event of a guest's own power-off, raised the moment QEMU reports it, before
 * the handling under the job lock (which waits for the lock and then stops QEMU): a client sees it
 * as libvirt's clients do, without a lock, a status write or QEMU's exit on the way. `s` is the
 * status as it is now, read without the lock: a reboot marks itself (fakeReboot) before asking for
 * the power-off, and a power-off that restarts is not told. A host's (a destroy's SIGTERM, a quit) waits for the lock, whose job may say it is none.
 */
export function announceShutdown(drv: DriverContext, t: EventTarget, s: DomainStatus | undefined, data: Record<string, unknown>): void {
  if (data['guest'] !== true || !isActiveStatus(s) || s.phase !== 'active' || s.pid !== t.pid || shutdownSilent(s)) return;
  if (drv.events.told(s.uuid) !== DomainState.SHUTDOWN) drv.events.raise(refOf(s), DomainEventType.SHUTDOWN, shutdownDetail(data));
}

/** SHUTDOWN: the guest powered off (or a reset became a shutdown, or QEMU is quitting); on_poweroff/on_reboot decide. */
async function onShutdown(c: Ctx, data: Record<string, unknown>): Promise<void> {
  const reason = String(data['reason'] ?? '');
  c.t.shutdownSeen = true;
  // A power-off that restarts is never told as one, and the domain stays running (libvirt's fake reboot).
  if (!shutdownSilent(c.s)) {
    Object.assign(c.s, { state: DomainState.SHUTDOWN, reason: DomainShutdownReason.UNKNOWN });
    announce(c, DomainState.SHUTDOWN, DomainEventType.SHUTDOWN, shutdownDetail(data));
  }
  if (EXITING.has(reason)) return writeStatus(c.drv.paths, c.s);
  if (restarts(c.s, reason)) return restart(c);
  await tearDown(c.drv, c.s, DomainShutoffReason.SHUTDOWN, { detail: DomainEventDetail.STOPPED.SHUTDOWN });
}

/** GUEST_PANICKED (QEMU stops the guest, set at start): the domain is crashed and on_crash decides. */
async function onPanic(c: Ctx): Promise<void> {
  // QEMU's STOP follows GUEST_PANICKED; libvirt tells that pause first, then the crash
  if (c.s.state === DomainState.RUNNING) announce(c, DomainState.PAUSED, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
  Object.assign(c.s, { state: DomainState.CRASHED, reason: DomainCrashedReason.PANICKED });
  announce(c, DomainState.CRASHED, DomainEventType.CRASHED, DomainEventDetail.CRASHED.PANICKED);
  const action = lifecycleOf(c.s).onCrash;
  // the coredump actions dump first; a failed dump leaves the guest crashed, as libvirt does
  if (action.startsWith('coredump-') && !(await autoCoreDump(c.mon, c.drv.paths.libDir, c.s))) return writeStatus(c.drv.paths, c.s);
  const outcome = outcomeOf(action, true);
  if (outcome === 'restart') return restart(c);
  if (outcome === 'preserve') return writeStatus(c.drv.paths, c.s);
  await tearDown(c.drv, c.s, DomainShutoffReason.CRASHED, { detail: DomainEventDetail.STOPPED.CRASHED });
}

/** STOP and RESUME: the status follows what QEMU says now (events queue up behind the driver's own actions). */
async function followRunState(c: Ctx): Promise<void> {
  const { status: qs } = await c.mon.execute<{ status: string }>('query-status');
  const s = c.s;
  if (qs === 'running' && s.state !== DomainState.RUNNING) {
    Object.assign(s, { state: DomainState.RUNNING, reason: DomainRunningReason.UNPAUSED });
    await writeStatus(c.drv.paths, s);
  } else if (qs !== 'running' && qs !== 'shutdown' && qs !== 'guest-panicked' && s.state === DomainState.RUNNING) {
    Object.assign(s, { state: DomainState.PAUSED, reason: qs === 'io-error' ? DomainPausedReason.IOERROR : DomainPausedReason.UNKNOWN });
    await writeStatus(c.drv.paths, s);
  }
  if (s.state === DomainState.RUNNING) announce(c, DomainState.RUNNING, DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED);
  if (s.state === DomainState.PAUSED) {
    const S = DomainEventDetail.SUSPENDED;
    announce(c, DomainState.PAUSED, DomainEventType.SUSPENDED, s.reason === DomainPausedReason.IOERROR ? S.IOERROR : S.PAUSED);
  }
}

/** DEVICE_DELETED of a device (not a bare QOM path): an unplug waiting for it is finished, and DEVICE_REMOVED raised. */
async function onDeviceDeleted(c: Ctx, data: Record<string, unknown>): Promise<void> {
  const alias = typeof data['device'] === 'string' ? data['device'] : '';
  if (!alias) return;
  const journal = await readPending(c.drv.paths, c.s);
  if (journal) Object.assign(c.s, journal);
  if ((await settleHotplug(c.drv, c.mon, c.s)) || journal) await writeStatus(c.drv.paths, c.s);
  c.drv.events.raiseOther({ eventID: DomainEventID.DEVICE_REMOVED, domain: refOf(c.s), devAlias: alias });
}

/**
 * BLOCK_JOB_*: the job's disk found by device id, node name or libvirt-style job name; BLOCK_JOB
 * and BLOCK_JOB_2 raised, and the driver's own jobs settled (a finished one dismissed, a ready
 * copy's `<mirror>` marked) as libvirt does on the event.
 */
async function onBlockJob(c: Ctx, e: QmpEvent): Promise<void> {
  await settleJobs(c);
  const job = String(e.data['device'] ?? '');
  const disks = disksOf(parseDomainXML(c.s.xml, { arch: GUEST_ARCH }).devices);
  const disk = disks.find((d) => {
    const node = d.alias === undefined ? undefined : c.s.diskNodes[d.alias];
    return d.alias === job || (node !== undefined && (job === formatNode(node) || job === storageNode(node))) || job.includes(`-${d.target}-`);
  });
  if (!disk) return;
  const status = e.event === 'BLOCK_JOB_READY' ? DomainBlockJobStatus.READY
    : e.event === 'BLOCK_JOB_CANCELLED' ? DomainBlockJobStatus.CANCELED
      : e.data['error'] !== undefined ? DomainBlockJobStatus.FAILED : DomainBlockJobStatus.COMPLETED;
  const type = BLOCK_JOB_TYPE[String(e.data['type'])] ?? DomainBlockJobType.UNKNOWN;
  const domain = refOf(c.s);
  c.drv.events.raiseOther({ eventID: DomainEventID.BLOCK_JOB, domain, disk: disk.path ?? disk.target, type, status });
  c.drv.events.raiseOther({ eventID: DomainEventID.BLOCK_JOB_2, domain, disk: disk.target, type, status });
}

/**
 * A guest opened or closed its end of a virtio channel: the live XML follows, and for the agent's
 * channel AGENT_LIFECYCLE is raised each time, as libvirt raises it.
 */
async function onSerialChange(c: Ctx, channel: string, open: boolean): Promise<void> {
  if (followChannel(c.s, channel, open)) await writeStatus(c.drv.paths, c.s);
  const e = agentLifecycle(refOf(c.s), parseDomainXML(c.s.xml, { arch: GUEST_ARCH }), DomainEventAgentLifecycleReason.CHANNEL, channel);
  if (e) c.drv.events.raiseOther(e);
}

/** A virtio-mem device's plugged size changed: the live XML follows and MEMORY_DEVICE_SIZE_CHANGE is raised, as libvirt does. */
async function onMemorySize(c: Ctx, data: Record<string, unknown>): Promise<void> {
  const changed = followMemorySize(c.s, data);
  if (!changed) return;
  await writeStatus(c.drv.paths, c.s);
  c.drv.events.raiseOther({ eventID: DomainEventID.MEMORY_DEVICE_SIZE_CHANGE, domain: refOf(c.s), alias: changed.alias, size: BigInt(changed.kib) });
}

type Handler = (c: Ctx, e: QmpEvent) => Promise<void>;

/** What each QMP event the driver acts on does; the others (JOB_STATUS_CHANGE, RTC_CHANGE, …) only reach monitor-event listeners. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  SHUTDOWN: (c, e) => onShutdown(c, e.data ?? {}),
  GUEST_PANICKED: (c) => onPanic(c),
  STOP: (c) => followRunState(c),
  RESUME: (c) => followRunState(c),
  DEVICE_DELETED: (c, e) => onDeviceDeleted(c, e.data ?? {}),
  BLOCK_JOB_COMPLETED: onBlockJob,
  BLOCK_JOB_CANCELLED: onBlockJob,
  BLOCK_JOB_READY: onBlockJob,
  BLOCK_WRITE_THRESHOLD: async (c, e) => {
    for (const ev of thresholdEvents(c.s, e.data ?? {})) c.drv.events.raiseOther(ev);
  },
  VSERPORT_CHANGE: (c, e) => onSerialChange(c, String(e.data?.['id'] ?? ''), e.data?.['open'] === true),
  MEMORY_DEVICE_SIZE_CHANGE: (c, e) => onMemorySize(c, e.data ?? {}),
};

/**
 * Whether the driver acts on a QMP event: only those are handled under the domain's job lock,
 * with its status read (a block copy's seven JOB_STATUS_CHANGE events took the lock and read
 * the status seven times for nothing).
 */
export const actsOn = (event: string): boolean => Object.hasOwn(HANDLERS, event);

/** Acts on one QMP event of a held domain; the caller holds the job lock and `s` is its fresh status. */
export async function handleQmpEvent(drv: DriverContext, t: EventTarget, s: ActiveStatus, e: QmpEvent): Promise<void> {
  const mon = t.client;
  if (!mon || !actsOn(e.event)) return;
  await HANDLERS[e.event]!({ drv, t, s, mon }, e);
}

/**
 * On first holding a domain's monitor: a power-off or panic that happened while no one held it
 * is acted on now, a pause or resume is followed, and virtio-mem's plugged sizes are read again.
 */
export async function catchUp(drv: DriverContext, t: EventTarget, s: ActiveStatus): Promise<void> {
  const mon = t.client;
  if (!mon) return;
  const c: Ctx = { drv, t, s, mon };
  if (await refreshMemorySizes(mon, s)) await writeStatus(drv.paths, s);
  const { status: qs } = await mon.execute<{ status: string }>('query-status');
  if (qs === 'shutdown') return onShutdown(c, {});
  if (qs === 'guest-panicked') return onPanic(c);
  return followRunState(c);
}
