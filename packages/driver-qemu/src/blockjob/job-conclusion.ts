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
 * Sends `command` (what starts or ends the job) and waits until QEMU has concluded the job;
 * answers its last report (undefined when it vanished). Its JOB_STATUS_CHANGE events are followed
 * from before the command, so QEMU is asked only once one says the job is over: one look instead
 * of a look at once and another after the event. Without an event, a look a second.
 */
export async function concluded(mon: QmpClient, id: string, command: () => Promise<unknown>): Promise<QemuJobState | undefined> {
  const until = Date.now() + CONCLUDE_WAIT_MS;
  let status = '';
  const changes = new EventWake(mon, (e) => {
    if (e.event !== 'JOB_STATUS_CHANGE' || e.data?.['id'] !== id) return false;
    status = String(e.data['status']);
    return true;
  });
  try {
    await command();
    for (;;) {
      if (!OVER.has(status)) {
        const seen = changes.seen;
        await changes.sleep(seen, 1000);
        // A step short of the end: wait for the next one rather than look.
        if (changes.seen !== seen) continue;
      }
      const job = (await mon.execute<QemuJobState[]>('query-jobs')).find((j) => j.id === id);
      if (!job || OVER.has(job.status)) return job;
      if (Date.now() > until) throw new VirError(ErrorCode.OPERATION_TIMEOUT, `block job '${id}' did not finish`, ErrorDomain.QEMU);
      status = job.status;
    }
  } finally {
    changes.close();
  }
}
