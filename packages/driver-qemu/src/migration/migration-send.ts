import { setTimeout as sleep } from 'node:timers/promises';
import { DomainMigrateFlags as MF, DomainMigrateParam as MP, DomainEventDetail, DomainEventType, DomainPausedReason, DomainState, type TypedParameter } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import {
  JobOperation, clearProgress, readTunables, statsOf, takeRequests, writeCompleted, writeProgress,
  type JobStatValues, type MigrationRequest, type QemuMigrationInfo,
} from './migration-job.js';
import { numberParam } from './migration-flags.js';

const D = ErrorDomain.QEMU;
const POLL_MS = 50;
const MIB = 1024 * 1024;
/** libvirt's "unlimited" bandwidth (QEMU_DOMAIN_MIG_BANDWIDTH_MAX, INT64_MAX bytes in MiB/s); QEMU's own default is 32 MiB/s. */
export const UNLIMITED_MIB = 8_796_093_022_207;

const JOB = 'migration out';

/** QEMU's migration capabilities for the flags, as libvirt sets them before `migrate`. */
function capabilities(flags: number): Array<{ capability: string; state: boolean }> {
  return [
    { capability: 'events', state: true },
    { capability: 'xbzrle', state: (flags & MF.COMPRESSED) !== 0 },
    { capability: 'auto-converge', state: (flags & MF.AUTO_CONVERGE) !== 0 },
  ];
}

/** Applies one request from another caller to the running migration. */
async function apply(mon: QmpClient, s: ActiveStatus, req: MigrationRequest, onSuspend: () => Promise<void>): Promise<void> {
  if (req.op === 'abort') await mon.execute('migrate_cancel');
  else if (req.op === 'speed') await mon.execute('migrate-set-parameters', { 'max-bandwidth': req.value * MIB });
  else if (req.op === 'downtime') await mon.execute('migrate-set-parameters', { 'downtime-limit': req.value });
  else if (s.state === DomainState.RUNNING) {
    await mon.execute('stop');
    await onSuspend();
  }
}

/**
 * Sends the domain's state to `uri` (QEMU's `migrate`), as qemuMigrationSrcRun: capabilities and
 * parameters first, then the progress is followed through `query-migrate` and written for
 * domjobinfo, requests (abort, speed, downtime, suspend) are taken between polls. On success the
 * source is left paused (migration) and the completed job's statistics are answered; a failed or
 * cancelled migration is libvirt's error, the source still running.
 */
export async function sendMigration(drv: DriverContext, s: ActiveStatus, uri: string, params: readonly TypedParameter[], flags: number): Promise<JobStatValues> {
  const t = await readTunables(s);
  const started = Date.now();
  const ref = { name: s.name, uuid: s.uuid, id: s.id };
  const pause = async (reason: number, detail: number): Promise<void> => {
    Object.assign(s, { state: DomainState.PAUSED, reason });
    await writeStatus(drv.paths, s);
    drv.events.raise(ref, DomainEventType.SUSPENDED, detail);
  };
  try {
    return await withMonitor(s, async (mon) => {
      await mon.execute('migrate-set-capabilities', { capabilities: capabilities(flags) });
      // a bandwidth of 0 is no bandwidth given (libvirt's)
      const bandwidth = numberParam(params, MP.BANDWIDTH) || t.maxSpeed || UNLIMITED_MIB;
      await mon.execute('migrate-set-parameters', {
        'max-bandwidth': Math.min(bandwidth, UNLIMITED_MIB) * MIB, ...(t.maxDowntime !== undefined ? { 'downtime-limit': t.maxDowntime } : {}),
        ...(t.compCache !== undefined ? { 'xbzrle-cache-size': t.compCache } : {}),
      });
      await writeProgress(s, statsOf({}, 0, JobOperation.MIGRATION_OUT));
      await mon.execute('migrate', { uri });
      for (;;) {
        const info = await mon.execute<QemuMigrationInfo>('query-migrate');
        const stats = statsOf(info, Date.now() - started, JobOperation.MIGRATION_OUT);
        if (info.status === 'completed') {
          await writeCompleted(s, stats);
          await pause(DomainPausedReason.MIGRATION, DomainEventDetail.SUSPENDED.MIGRATED);
          return stats;
        }
        if (info.status === 'failed') {
          const why = info['error-desc'];
          throw new VirError(ErrorCode.OPERATION_FAILED, why ? `job '${JOB}' failed: ${why}` : `job '${JOB}' unexpectedly failed`, D);
        }
        if (info.status === 'cancelled') throw new VirError(ErrorCode.OPERATION_ABORTED, `job '${JOB}' canceled by client`, D);
        await writeProgress(s, stats);
        for (const req of await takeRequests(s)) await apply(mon, s, req, () => pause(DomainPausedReason.USER, DomainEventDetail.SUSPENDED.PAUSED));
        await sleep(POLL_MS);
      }
    });
  } finally {
    await clearProgress(s);
  }
}
