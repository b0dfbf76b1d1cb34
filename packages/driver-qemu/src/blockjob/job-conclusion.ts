import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { EventWake } from '../qmp/event-wake.js';
import type { QmpClient } from '../qmp/qmp-client.js';

/** What `query-jobs` says of a job (block jobs and `blockdev-create` alike). */
export interface QemuJobState {
  readonly id: string;
  readonly status: string;
  readonly error?: string;
}

const CONCLUDE_WAIT_MS = 60_000;
/** Job states after which QEMU does no more with a job: its outcome can be taken. */
export const OVER = new Set(['concluded', 'null']);

/**
 * Waits until QEMU has concluded a job; answers its last report (undefined when it vanished).
 * Each JOB_STATUS_CHANGE of the job leads to the next look at once; without one, a look a second.
 */
export async function concluded(mon: QmpClient, id: string): Promise<QemuJobState | undefined> {
  const until = Date.now() + CONCLUDE_WAIT_MS;
  const changes = new EventWake(mon, (e) => e.event === 'JOB_STATUS_CHANGE' && e.data?.['id'] === id);
  try {
    for (;;) {
      const seen = changes.seen;
      const job = (await mon.execute<QemuJobState[]>('query-jobs')).find((j) => j.id === id);
      if (!job || OVER.has(job.status)) return job;
      if (Date.now() > until) throw new VirError(ErrorCode.OPERATION_TIMEOUT, `block job '${id}' did not finish`, ErrorDomain.QEMU);
      await changes.sleep(seen, 1000);
    }
  } finally {
    changes.close();
  }
}
