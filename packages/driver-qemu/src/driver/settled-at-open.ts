import type { ActiveStatus } from '../state/domain-status.js';

/**
 * Running domains that opening the root has just found settled (their QEMU alive, nothing left to
 * settle), each status as the root's opening read and lent it on. A read of the same status in
 * the same turn of the event loop takes that answer once instead of asking /proc, the hotplug
 * journal and the run-state log again: `list` asks each domain's state right after the opening
 * that checked them all. The next turn forgets them, so a process that keeps running (tsvirtd)
 * never trusts an old answer.
 */
const settled = new WeakSet<ActiveStatus>();

/** Notes the statuses the opening found settled, until the event loop's next turn. */
export function noteSettledAtOpen(statuses: readonly ActiveStatus[]): void {
  if (statuses.length === 0) return;
  for (const s of statuses) settled.add(s);
  setImmediate(() => {
    for (const s of statuses) settled.delete(s);
  }).unref();
}

/** Whether the opening found this very status settled in this turn; the answer is given once. */
export function takeSettledAtOpen(status: ActiveStatus): boolean {
  return settled.delete(status);
}
