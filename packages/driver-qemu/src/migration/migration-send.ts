import { DomainMigrateFlags as MF, DomainMigrateParam as MP, DomainEventDetail, DomainEventType, DomainPausedReason, DomainState, type TypedParameter } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { QemuDisk } from '../devices/qemu-disk.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import {
  JobOperation, clearProgress, readTunables, statsOf, takeRequests, writeCompleted, writeProgress,
  type DiskProgress, type JobStatValues, type MigrationRequest, type QemuMigrationInfo,
} from './migration-job.js';
import type { NbdAddress } from './nbd-server.js';
import { StorageMirrors } from './storage-mirror.js';
import { numberParam } from './migration-flags.js';

const D = ErrorDomain.QEMU;
const POLL_MS = 50;
const MIB = 1024 * 1024;
/** libvirt's "unlimited" bandwidth (QEMU_DOMAIN_MIG_BANDWIDTH_MAX, INT64_MAX bytes in MiB/s); QEMU's own default is 32 MiB/s. */
export const UNLIMITED_MIB = 8_796_093_022_207;

const JOB = 'migration out';

/** QEMU's migration capabilities for the flags, as libvirt sets them before `migrate` (pause-before-switchover always, on the source). */
function capabilities(flags: number): Array<{ capability: string; state: boolean }> {
  return [
    { capability: 'events', state: true },
    { capability: 'xbzrle', state: (flags & MF.COMPRESSED) !== 0 },
    { capability: 'auto-converge', state: (flags & MF.AUTO_CONVERGE) !== 0 },
    { capability: 'pause-before-switchover', state: true },
  ];
}

/** The disks a storage migration copies and where the destination's NBD server is. */
export interface StorageCopy {
  readonly disks: readonly QemuDisk[];
  readonly dest: NbdAddress;
}

const aborted = (): VirError => new VirError(ErrorCode.OPERATION_ABORTED, `job '${JOB}' canceled by client`, D);

/** Applies one request from another caller to the running migration; an abort while the disks are copied ends the job at once (libvirt's words then). */
async function apply(mon: QmpClient, s: ActiveStatus, req: MigrationRequest, sending: boolean, onSuspend: () => Promise<void>): Promise<void> {
  if (req.op === 'abort') {
    if (!sending) throw new VirError(ErrorCode.OPERATION_ABORTED, `${JOB}: canceled by client`, D);
    await mon.execute('migrate_cancel');
  } else if (req.op === 'speed') await mon.execute('migrate-set-parameters', { 'max-bandwidth': req.value * MIB });
  else if (req.op === 'downtime') await mon.execute('migrate-set-parameters', { 'downtime-limit': req.value });
  else if (s.state === DomainState.RUNNING) {
    await mon.execute('stop');
    await onSuspend();
  }
}

/**
 * Sends the domain's state to `uri` (QEMU's `migrate`), as qemuMigrationSrcRun: capabilities and
 * parameters first; with `storage`, each disk is mirrored to the destination's NBD server and
 * every mirror must be READY before the memory goes. The progress is followed through
 * `query-migrate` (woken by QEMU's MIGRATION events) and written for domjobinfo, requests (abort,
 * speed, downtime, suspend) are taken between looks. At pre-switchover (the guest paused, its
 * device state not yet sent) the mirrors are completed, then the migration continues. On success
 * the source is left paused (migration) and the completed job's statistics are answered; a
 * failed or cancelled migration is libvirt's error, its mirrors dropped, the source still running.
 */
export async function sendMigration(
  drv: DriverContext, s: ActiveStatus, uri: string, params: readonly TypedParameter[], flags: number, storage?: StorageCopy,
): Promise<JobStatValues> {
  const t = await readTunables(s);
  const started = Date.now();
  const ref = { name: s.name, uuid: s.uuid, id: s.id };
  const pause = async (reason: number, detail: number): Promise<void> => {
    Object.assign(s, { state: DomainState.PAUSED, reason });
    await writeStatus(drv.paths, s);
    drv.events.raise(ref, DomainEventType.SUSPENDED, detail);
  };
  const suspend = (): Promise<void> => pause(DomainPausedReason.USER, DomainEventDetail.SUSPENDED.PAUSED);
  try {
    return await withMonitor(s, async (mon) => {
      await mon.execute('migrate-set-capabilities', { capabilities: capabilities(flags) });
      // a bandwidth of 0 is no bandwidth given (libvirt's)
      const bandwidth = Math.min(numberParam(params, MP.BANDWIDTH) || t.maxSpeed || UNLIMITED_MIB, UNLIMITED_MIB);
      await mon.execute('migrate-set-parameters', {
        'max-bandwidth': bandwidth * MIB, ...(t.maxDowntime !== undefined ? { 'downtime-limit': t.maxDowntime } : {}),
        ...(t.compCache !== undefined ? { 'xbzrle-cache-size': t.compCache } : {}),
      });
      await writeProgress(s, statsOf({}, 0, JobOperation.MIGRATION_OUT));
      let mirrors: StorageMirrors | undefined;
      let disks: DiskProgress | undefined;
      let sending = false;
      let switched = false;
      const takeAll = async (): Promise<void> => {
        for (const req of await takeRequests(s)) await apply(mon, s, req, sending, suspend);
      };
      try {
        if (storage && storage.disks.length > 0) {
          mirrors = await StorageMirrors.start(mon, storage.disks, storage.dest, bandwidth * MIB, flags);
          const m = mirrors;
          await m.waitReady(async () => {
            disks = await m.progress();
            await writeProgress(s, statsOf({}, Date.now() - started, JobOperation.MIGRATION_OUT, disks));
            await takeAll();
          }, POLL_MS);
          disks = await m.progress();
        }
        await mon.execute('migrate', { uri });
        sending = true;
        for (;;) {
          const info = await mon.execute<QemuMigrationInfo>('query-migrate');
          if (mirrors && !mirrors.ended) {
            mirrors.check();
            disks = await mirrors.progress();
          }
          const stats = statsOf(info, Date.now() - started, JobOperation.MIGRATION_OUT, disks);
          if (info.status === 'completed') {
            // as libvirt's, the completed job (and the destination's copy of it) counts the memory only
            const done = statsOf(info, Date.now() - started, JobOperation.MIGRATION_OUT);
            await writeCompleted(s, done);
            await pause(DomainPausedReason.MIGRATION, DomainEventDetail.SUSPENDED.MIGRATED);
            return done;
          }
          if (info.status === 'failed') {
            sending = false;
            const why = info['error-desc'];
            throw new VirError(ErrorCode.OPERATION_FAILED, why ? `job '${JOB}' failed: ${why}` : `job '${JOB}' unexpectedly failed`, D);
          }
          if (info.status === 'cancelled') {
            sending = false;
            throw aborted();
          }
          // once: QEMU leaves pre-switchover in its own thread, so the next look may still see it
          if (info.status === 'pre-switchover' && !switched) {
            switched = true;
            if (mirrors) {
              await mirrors.complete();
              if (disks) disks = { total: disks.total, processed: disks.total };
            }
            await mon.execute('migrate-continue', { state: 'pre-switchover' });
            continue;
          }
          await writeProgress(s, stats);
          await takeAll();
          await mon.waitForEvent((e) => e.event === 'MIGRATION', POLL_MS);
        }
      } catch (e) {
        if (sending) await mon.execute('migrate_cancel').catch(() => undefined);
        await mirrors?.abort().catch(() => undefined);
        throw e;
      }
    });
  } finally {
    await clearProgress(s);
  }
}
