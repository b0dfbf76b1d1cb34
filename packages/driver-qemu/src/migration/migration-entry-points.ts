import { formatDomainXML, parseDomainXML, type DomainDef } from '@tsvirt/conf';
import {
  connect, migrateVersion3, DomainEventDetail, DomainEventType, DomainGetJobStatsFlags as JS, DomainMigrateFlags as MF,
  DomainMigrateParam as MP, DomainRunningReason, DomainShutoffReason, DomainState, DomainPausedReason,
  type DomainJobInfo, type DomainJobStats, type TypedParameter, type DomainMigrationEntryPoints, type DomainRef, type DomainJobEntryPoints,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { domainJob, notRunning, readDomain, requireActive } from '../driver/domain-access.js';
import { tearDown } from '../driver/domain-stop.js';
import { withMonitor } from '../driver/monitor.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, currentDef, qemuStore } from '../state/qemu-store.js';
import { makeCookie, readCookie } from './migration-cookie.js';
import { checkMigrationArgs, checkOfflineFlags, stringParam } from './migration-flags.js';
import { checkStorageSafety } from './migration-safety.js';
import { isSending, jobStats, readTunables, sendRequest, updateTunables, type MigrationTunables } from './migration-job.js';
import { finishIncoming, prepareIncoming } from './migration-receive.js';
import { UNLIMITED_MIB, sendMigration, type StorageCopy } from './migration-send.js';
import { migrationHost, nbdAddress } from './nbd-server.js';
import { checkNamedDisks, copiesStorage, diskCapacities, disksToCopy, migrateDisksParam } from './storage-disks.js';

const D = ErrorDomain.QEMU;
const EMPTY = new Uint8Array(0);
/** QEMU's defaults: 300 ms of downtime, a 64 MiB XBZRLE cache. */
const DEFAULT_DOWNTIME_MS = 300;
const DEFAULT_COMP_CACHE = 64 * 1024 * 1024;

type MigrationJobEntryPoints = Pick<DomainJobEntryPoints, 'domainGetJobInfo' | 'domainGetJobStats' | 'domainAbortJob'
  | 'domainMigrateGetMaxSpeed' | 'domainMigrateSetMaxSpeed' | 'domainMigrateGetMaxDowntime' | 'domainMigrateSetMaxDowntime'
  | 'domainMigrateGetCompressionCache' | 'domainMigrateSetCompressionCache'>;

const refOf = (s: ActiveStatus): DomainRef => ({ name: s.name, uuid: s.uuid, id: s.id });

/** The running domain behind a handle (for job calls that must not wait for the migration's job lock). */
async function running(drv: DriverContext, dom: DomainRef): Promise<ActiveStatus> {
  return requireActive(await readDomain(drv, dom));
}

function infoOf(stats: DomainJobStats): DomainJobInfo {
  const v = (f: string): bigint => {
    const p = stats.params.find((x) => x.field === f);
    return typeof p?.value === 'bigint' ? p.value : 0n;
  };
  return {
    type: stats.type, timeElapsed: v('time_elapsed'), timeRemaining: 0n, dataTotal: v('data_total'), dataProcessed: v('data_processed'),
    dataRemaining: v('data_remaining'), memTotal: v('memory_total'), memProcessed: v('memory_processed'), memRemaining: v('memory_remaining'),
    // libvirt reports its disks' copies (storage migration) as the job's file bytes
    fileTotal: v('disk_total'), fileProcessed: v('disk_processed'), fileRemaining: v('disk_remaining'),
  };
}

/**
 * The getter and setter of one migration tunable (`qemuDomainMigrate{Get,Set}NAME`): kept for the
 * next migration, and handed to the running one's loop as `op` when one is being sent.
 */
function tunable(drv: DriverContext, key: keyof MigrationTunables, fallback: number, name: string, op?: 'speed' | 'downtime') {
  return {
    async get(dom: DomainRef, flags: number): Promise<bigint> {
      checkFlags(flags, 0, `qemuDomainMigrateGet${name}`, D);
      return BigInt((await readTunables(await running(drv, dom)))[key] ?? fallback);
    },
    async set(dom: DomainRef, value: bigint, flags: number): Promise<void> {
      checkFlags(flags, 0, `qemuDomainMigrateSet${name}`, D);
      const s = await running(drv, dom);
      await updateTunables(s, { [key]: Number(value) });
      if (op && (await isSending(s))) await sendRequest(s, { op, value: Number(value) });
    },
  };
}

/**
 * The QEMU driver's migration: the five v3 phases (Begin, Perform, Confirm on the source; Prepare,
 * Finish on the destination), peer to peer through the public API, and the job calls that watch,
 * tune and abort a migration from any process.
 */
export function migrationEntryPoints(drv: DriverContext): Required<DomainMigrationEntryPoints> & Required<MigrationJobEntryPoints> {
  const speed = tunable(drv, 'maxSpeed', UNLIMITED_MIB, 'MaxSpeed', 'speed');
  const downtime = tunable(drv, 'maxDowntime', DEFAULT_DOWNTIME_MS, 'MaxDowntime', 'downtime');
  const cache = tunable(drv, 'compCache', DEFAULT_COMP_CACHE, 'CompressionCache');
  return {
    async domainMigrateBegin3Params(dom, params, flags) {
      checkMigrationArgs(params, flags, 'qemuDomainMigrateBegin3Params');
      const d = await readDomain(drv, dom);
      const live = isActiveStatus(d.status) && !(flags & MF.OFFLINE) ? d.status : undefined;
      if (!(flags & MF.OFFLINE) && !live) throw notRunning();
      const def = currentDef(d);
      const named = migrateDisksParam(params);
      if (live) await checkMigratable(live, def, flags, named);
      if (copiesStorage(flags)) checkNamedDisks(def, named);
      checkOfflineFlags(flags);
      const copied = live && copiesStorage(flags) ? disksToCopy(def, named) : [];
      const nbd = copied.length > 0 ? { disks: await withMonitor(live!, (mon) => diskCapacities(mon, copied)) } : undefined;
      const xml = stringParam(params, MP.DEST_XML) ?? formatDomainXML(flags & MF.OFFLINE ? (d.persistentDef ?? def) : def, { inactive: true });
      return { cookieOut: await makeCookie(drv.paths, nbd ? { nbd } : {}), xml };
    },

    domainMigratePrepare3Params(params, cookieIn, flags) {
      checkMigrationArgs(params, flags, 'qemuDomainMigratePrepare3Params');
      return prepareIncoming(drv, params, cookieIn, flags);
    },

    async domainMigratePerform3Params(dom, dconnuri, params, cookieIn, flags) {
      checkMigrationArgs(params, flags, 'qemuDomainMigratePerform3Params');
      if (flags & MF.PEER2PEER) {
        if (dconnuri === undefined) throw new VirError(ErrorCode.INVALID_ARG, 'missing destination URI for peer-to-peer migration', D);
        await performPeer2Peer(drv, dom, dconnuri, params, flags);
        return EMPTY;
      }
      // without a cookie from Prepare, this is a direct migration to a hypervisor URI: QEMU has none
      if (cookieIn.length === 0) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, 'direct migration is not supported by the source host', ErrorDomain.DOMAIN);
      const uri = stringParam(params, MP.URI);
      if (uri === undefined) throw new VirError(ErrorCode.INVALID_ARG, 'migration URI is missing', D);
      const nbd = readCookie(cookieIn).nbd;
      const stats = await domainJob(drv, dom, false, (d) => {
        const s = requireActive(d);
        return sendMigration(drv, s, uri, params, flags, nbd && copiesStorage(flags) ? storageCopy(s, uri, params, nbd.port) : undefined);
      });
      return makeCookie(drv.paths, { stats });
    },

    domainMigrateFinish3Params(params, cookieIn, flags, cancelled) {
      checkMigrationArgs(params, flags, 'qemuDomainMigrateFinish3Params');
      return finishIncoming(drv, params, cookieIn, flags, cancelled);
    },

    async domainMigrateConfirm3Params(dom, params, cookieIn, flags, cancelled) {
      checkMigrationArgs(params, flags, 'qemuDomainMigrateConfirm3Params');
      readCookie(cookieIn);
      await domainJob(drv, dom, false, async (d) => {
        if (cancelled) {
          if (isActiveStatus(d.status)) await resumeSource(drv, d.status);
          return;
        }
        if (isActiveStatus(d.status)) {
          await tearDown(drv, d.status, DomainShutoffReason.MIGRATED, { detail: DomainEventDetail.STOPPED.MIGRATED });
        }
        if (flags & MF.UNDEFINE_SOURCE && d.persistentDef) {
          const store = qemuStore(drv.paths);
          await store.setAutostart(d.name, false);
          await store.removeConfig(d.name);
          await store.removeStatus(d.name);
          drv.events.raise({ name: d.name, uuid: dom.uuid, id: -1 }, DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.REMOVED);
        }
      });
    },

    async domainGetJobInfo(dom) {
      const d = await readDomain(drv, dom);
      return infoOf(await jobStats(isActiveStatus(d.status) ? d.status : undefined, false));
    },
    async domainGetJobStats(dom, flags) {
      checkFlags(flags, JS.COMPLETED | JS.KEEP_COMPLETED, 'qemuDomainGetJobStats', D);
      const d = await readDomain(drv, dom);
      return jobStats(isActiveStatus(d.status) ? d.status : undefined, (flags & JS.COMPLETED) !== 0);
    },
    async domainAbortJob(dom, flags) {
      checkFlags(flags, 0, 'qemuDomainAbortJobFlags', D);
      const s = await running(drv, dom);
      if (!(await isSending(s))) throw new VirError(ErrorCode.OPERATION_INVALID, 'no job is active on the domain', D);
      await sendRequest(s, { op: 'abort' });
    },
    domainMigrateGetMaxSpeed: speed.get,
    async domainMigrateSetMaxSpeed(dom, bandwidth, flags) {
      if (bandwidth > BigInt(UNLIMITED_MIB)) throw new VirError(ErrorCode.OVERFLOW, `bandwidth must be less than ${UNLIMITED_MIB + 1}`, D);
      await speed.set(dom, bandwidth, flags);
    },
    domainMigrateGetMaxDowntime: downtime.get,
    domainMigrateSetMaxDowntime: downtime.set,
    domainMigrateGetCompressionCache: cache.get,
    domainMigrateSetCompressionCache: cache.set,
  };
}

/** qemuMigrationSrcIsAllowed's block job check and qemuMigrationSrcIsSafe (unless UNSAFE) of a live domain. */
async function checkMigratable(s: ActiveStatus, def: DomainDef, flags: number, named: readonly string[]): Promise<void> {
  if (Object.keys(s.blockJobs ?? {}).length > 0) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain has active block job', D);
  await checkStorageSafety(def, flags, named);
}

/** What Perform copies: the disks of the live definition, to the NBD server the destination's cookie names. */
function storageCopy(s: ActiveStatus, uri: string, params: readonly TypedParameter[], port: number | undefined): StorageCopy {
  const addr = nbdAddress(params, migrationHost(uri));
  const dest = 'socket' in addr ? addr : { host: addr.host, port: port ?? addr.port };
  return { disks: disksToCopy(parseDomainXML(s.xml, { arch: GUEST_ARCH }), migrateDisksParam(params)), dest };
}

/** Confirm after a failed or cancelled migration: a source QEMU left paused by it runs again (RESUMED migrated). */
async function resumeSource(drv: DriverContext, s: ActiveStatus): Promise<void> {
  const { status } = await withMonitor(s, (mon) => mon.execute<{ status: string }>('query-status'));
  if (s.state !== DomainState.PAUSED || s.reason !== DomainPausedReason.MIGRATION) return;
  if (status !== 'running') await withMonitor(s, (mon) => mon.execute('cont'));
  Object.assign(s, { state: DomainState.RUNNING, reason: DomainRunningReason.MIGRATION_CANCELED });
  await writeStatus(drv.paths, s);
  drv.events.raise(refOf(s), DomainEventType.RESUMED, DomainEventDetail.RESUMED.MIGRATED);
}

/**
 * Peer to peer (qemuMigrationSrcPerformPeer2Peer3): this driver opens the destination with the
 * public API's connect() and runs the v3 phases itself, its own through a connection to its root.
 */
async function performPeer2Peer(drv: DriverContext, dom: DomainRef, dconnuri: string, params: Parameters<typeof migrateVersion3>[2], flags: number): Promise<void> {
  let dconn;
  try {
    dconn = await connect(dconnuri);
  } catch (e) {
    throw new VirError(ErrorCode.OPERATION_FAILED, `Failed to connect to remote libvirt URI ${dconnuri}: ${(e as Error).message}`, D, { cause: e });
  }
  try {
    await drv.withConnection((self) => migrateVersion3({ conn: self, ref: dom }, dconn, params, flags & ~MF.PEER2PEER));
  } finally {
    await dconn.close();
  }
}


/**
 * virDomainSuspend while this domain's migration is being sent: the sending loop holds the job
 * and the monitor, so it pauses the guest itself (virsh's `--timeout` suspends this way). False
 * when no migration is being sent.
 */
export async function suspendWhileSending(drv: DriverContext, dom: DomainRef): Promise<boolean> {
  const d = await readDomain(drv, dom);
  if (!isActiveStatus(d.status) || !(await isSending(d.status))) return false;
  await sendRequest(d.status, { op: 'suspend' });
  return true;
}
