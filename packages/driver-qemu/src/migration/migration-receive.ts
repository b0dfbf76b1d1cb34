import { setTimeout as sleep } from 'node:timers/promises';
import { formatDomainXML } from '@tsvirt/conf';
import {
  DomainEventDetail, DomainEventType, DomainMigrateFlags as MF, DomainMigrateParam as MP, DomainPausedReason,
  DomainRunningReason, DomainShutoffReason, DomainState, type DomainRef, type MigratePrepareResult, type MigrationCookie, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkDomainIdentity } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { parseQemuDomain } from '../driver/domain-define.js';
import { startDomain } from '../driver/domain-start.js';
import { tearDown } from '../driver/domain-stop.js';
import { withMonitor } from '../driver/monitor.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { qemuStore, uuidOf } from '../state/qemu-store.js';
import { checkOtherHost, makeCookie, readCookie } from './migration-cookie.js';
import { JobOperation, clearIncoming, isIncoming, markIncoming, readIncoming, writeCompleted } from './migration-job.js';
import { migrationHost, nbdAddress, startNbdServer, stopNbdServer } from './nbd-server.js';
import { copiesStorage, migrateDisksParam } from './storage-disks.js';
import { precreateStorage, removeCreated } from './storage-precreate.js';
import { stringParam } from './migration-flags.js';
import { freeMigrationPort } from './migration-port.js';

const D = ErrorDomain.QEMU;
/** Where QEMU listens unless the caller names an address (both roots of this machine reach it). */
const DEFAULT_LISTEN = '127.0.0.1';
/** How long Finish waits for QEMU to load the last of the state after the source finished sending. */
const LOAD_WAIT_MS = 30_000;

/** The incoming definition: DEST_XML, renamed to DEST_NAME when given. */
function incomingDef(params: readonly TypedParameter[]) {
  const xml = stringParam(params, MP.DEST_XML);
  if (xml === undefined) throw new VirError(ErrorCode.INVALID_ARG, 'no domain XML passed', D);
  const def = parseQemuDomain(xml, false);
  const dname = stringParam(params, MP.DEST_NAME);
  if (dname !== undefined) def.name = dname;
  return def;
}

/** The address QEMU is told to listen on: the caller's URI (`tcp:HOST:PORT`), else a free port of libvirt's range. */
async function listenURI(params: readonly TypedParameter[]): Promise<string> {
  const given = stringParam(params, MP.URI);
  if (given !== undefined) {
    if (!/^tcp:(?:\/\/)?[^:]+:\d+$/.test(given)) throw new VirError(ErrorCode.INVALID_ARG, `unsupported scheme in migration URI ${given}`, D);
    return given.replace('tcp://', 'tcp:');
  }
  const host = stringParam(params, MP.LISTEN_ADDRESS) ?? DEFAULT_LISTEN;
  const port = await freeMigrationPort(host);
  if (port === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, 'Unable to find an unused port in range \'migration\' (49152-49215)', D);
  return `tcp:${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * Prepare (qemuMigrationDstPrepareDirect): refuses a source on this very host and a name or UUID
 * in use by a running domain, then starts the incoming QEMU paused with `-incoming defer` and
 * `migrate-incoming` on a loopback port (its disks claimed in the shared-disk table, STARTED
 * migrated raised). Offline, nothing runs: Finish defines the domain.
 */
export async function prepareIncoming(drv: DriverContext, params: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number): Promise<MigratePrepareResult> {
  const cookie = readCookie(cookieIn);
  await checkOtherHost(drv.paths, cookie);
  const def = incomingDef(params);
  const store = qemuStore(drv.paths);
  if (flags & MF.OFFLINE) {
    await store.withDriverLock(async () => checkDomainIdentity(await store.loadAll(), uuidOf, def.name, def.uuid, D));
    // Nothing listens, but libvirt names the address a live one would use: virsh requires a URI back.
    return { cookieOut: await makeCookie(drv.paths), uriOut: await listenURI(params) };
  }
  const uri = await listenURI(params);
  const storage = copiesStorage(flags) && cookie.nbd !== undefined;
  const nbd = await store.withDomainJob(def.name, async () => {
    const existing = await store.withDriverLock(async () => checkDomainIdentity(await store.loadAll(), uuidOf, def.name, def.uuid, D));
    if (existing && isActiveStatus(existing.status)) throw new VirError(ErrorCode.OPERATION_INVALID, `domain '${def.name}' is already active`, D);
    const named = migrateDisksParam(params);
    const created = storage ? await precreateStorage(drv, def, cookie.nbd?.disks ?? [], named, (flags & MF.NON_SHARED_INC) !== 0) : [];
    let s: ActiveStatus | undefined;
    try {
      s = await startDomain(drv, def, { paused: true, persistent: existing?.persistentDef !== undefined, incomingURI: uri });
      const live = s;
      const server = storage ? await withMonitor(live, (mon) => startNbdServer(mon, live.xml, named, nbdAddress(params, migrationHost(uri)))) : undefined;
      await markIncoming(live, { flags, nbd: server !== undefined, created });
      return server;
    } catch (e) {
      if (s) await tearDown(drv, s, DomainShutoffReason.FAILED, { detail: DomainEventDetail.STOPPED.FAILED }).catch(() => undefined);
      await removeCreated(drv, created);
      throw e;
    }
  });
  const port = nbd && 'port' in nbd ? nbd.port : undefined;
  return { cookieOut: await makeCookie(drv.paths, storage ? { nbd: port !== undefined ? { port } : {} } : {}), uriOut: uri };
}

/** Waits while QEMU is still loading the incoming state; a QEMU that gave up is libvirt's error. */
async function waitLoaded(s: ActiveStatus): Promise<void> {
  await withMonitor(s, async (mon) => {
    for (const deadline = Date.now() + LOAD_WAIT_MS; ;) {
      const { status } = await mon.execute<{ status: string }>('query-status');
      if (status !== 'inmigrate') return;
      if (Date.now() > deadline) throw new VirError(ErrorCode.OPERATION_TIMEOUT, "timed out waiting for the incoming state", D);
      await sleep(20);
    }
  }).catch((e: unknown) => {
    throw new VirError(ErrorCode.OPERATION_FAILED, `job 'migration in' failed: ${(e as VirError).detail ?? (e as Error).message}`, D, { cause: e });
  });
}

/** The live domain Prepare made for the migration `params` describe. */
async function incomingStatus(drv: DriverContext, name: string): Promise<ActiveStatus> {
  const s = await qemuStore(drv.paths).readStatus(name);
  if (!isActiveStatus(s) || !(await isIncoming(s))) throw new VirError(ErrorCode.NO_DOMAIN, `no domain with matching name '${name}'`, D);
  return s;
}

/** Makes the incoming domain persistent: PERSIST_XML, else its live definition; DEFINED raised. */
async function persist(drv: DriverContext, s: ActiveStatus, params: readonly TypedParameter[], ref: DomainRef): Promise<void> {
  const store = qemuStore(drv.paths);
  const xml = stringParam(params, MP.PERSIST_XML);
  const def = parseQemuDomain(xml ?? s.xml, xml !== undefined);
  if (def.name !== s.name || def.uuid !== s.uuid) throw new VirError(ErrorCode.INVALID_ARG, 'persistent XML must describe the migrated domain', D);
  const existed = await store.withDriverLock(async () => {
    const had = (await store.loadReadable(s.name))?.persistentDef !== undefined;
    await store.saveConfig(s.name, formatDomainXML(def, { inactive: true }));
    return had;
  });
  s.persistent = true;
  await writeStatus(drv.paths, s);
  drv.events.raise(ref, DomainEventType.DEFINED, existed ? DomainEventDetail.DEFINED.UPDATED : DomainEventDetail.DEFINED.ADDED);
}

/**
 * Finish (qemuMigrationDstFinish): cancelled, the incoming QEMU is killed and every trace removed
 * (STOPPED failed). Otherwise it waits for QEMU to hold the whole state, lets the guest run unless
 * PAUSED (RESUMED migrated), keeps the source's completed job statistics and persists the domain
 * with PERSIST_DEST. Any failure undoes the domain as a cancel would.
 */
export async function finishIncoming(drv: DriverContext, params: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number, cancelled: number) {
  const def = incomingDef(params);
  const store = qemuStore(drv.paths);
  if (flags & MF.OFFLINE) {
    if (cancelled) throw new VirError(ErrorCode.OPERATION_FAILED, 'migration cancelled', D);
    return store.withDomainJob(def.name, async () => {
      const existed = (await store.loadReadable(def.name))?.persistentDef !== undefined;
      await store.withDriverLock(() => store.saveConfig(def.name, formatDomainXML(parseQemuDomain(stringParam(params, MP.PERSIST_XML) ?? formatDomainXML(def, { inactive: true })), { inactive: true })));
      const dom = { name: def.name, uuid: def.uuid, id: -1 };
      drv.events.raise(dom, DomainEventType.DEFINED, existed ? DomainEventDetail.DEFINED.UPDATED : DomainEventDetail.DEFINED.ADDED);
      return { dom, cookieOut: new Uint8Array(0) };
    });
  }
  return store.withDomainJob(def.name, async () => {
    const s = await incomingStatus(drv, def.name);
    const mark = await readIncoming(s);
    const ref = { name: s.name, uuid: s.uuid, id: s.id };
    const undo = async (): Promise<void> => {
      await tearDown(drv, s, DomainShutoffReason.FAILED, { detail: DomainEventDetail.STOPPED.FAILED });
      await removeCreated(drv, mark?.created ?? []);
    };
    if (cancelled) {
      await undo();
      throw new VirError(ErrorCode.OPERATION_FAILED, "job 'migration in' canceled by client", D);
    }
    try {
      await waitLoaded(s);
      if (mark?.nbd) await withMonitor(s, stopNbdServer);
      // the source's completed job, as this side's incoming one (libvirt's operation there)
      const stats = readCookie(cookieIn).stats;
      if (stats) await writeCompleted(s, { ...stats, operation: JobOperation.MIGRATION_IN });
      if (!(flags & MF.PAUSED)) {
        await withMonitor(s, (mon) => mon.execute('cont'));
        Object.assign(s, { state: DomainState.RUNNING, reason: DomainRunningReason.MIGRATED });
        await writeStatus(drv.paths, s);
        drv.events.raise(ref, DomainEventType.RESUMED, DomainEventDetail.RESUMED.MIGRATED);
      } else {
        Object.assign(s, { state: DomainState.PAUSED, reason: DomainPausedReason.USER });
        await writeStatus(drv.paths, s);
        drv.events.raise(ref, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
      }
      if (flags & MF.PERSIST_DEST) await persist(drv, s, params, ref);
      await clearIncoming(s);
    } catch (e) {
      await undo().catch(() => undefined);
      throw e;
    }
    return { dom: ref, cookieOut: new Uint8Array(0) };
  });
}
