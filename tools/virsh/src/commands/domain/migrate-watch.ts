import type { Domain } from '@tsvirt/api';
import type { Ctl } from '../../vsh/ctl.js';
import { printJobProgress } from './block-job-wait.js';

/** How virsh watches a migration: `--verbose` progress, and what `--timeout` does once it passes. */
export interface MigrationWatch {
  readonly verbose: boolean;
  /** 0 without `--timeout`. */
  readonly timeoutMs: number;
  /** `--timeout-postcopy`: switch to post-copy instead of suspending the guest. */
  readonly postcopy: boolean;
}

const POLL_MS = 500;

/**
 * virshWatchJob for `migrate`: while the migration runs, its progress from virDomainGetJobInfo
 * every 500 ms as `\rMigration: [ NN %]` on stderr, and once `--timeout` passes the guest is
 * suspended (or post-copy started) so that the migration converges. A finished migration prints
 * 100 %; a failed one raises its error.
 */
export async function watchMigration(ctl: Ctl, dom: Domain, migration: Promise<unknown>, w: MigrationWatch): Promise<void> {
  let done = false;
  const finished = migration.finally(() => {
    done = true;
  });
  finished.catch(() => undefined);
  const started = Date.now();
  let timedOut = false;
  while (!done) {
    await Promise.race([finished.catch(() => undefined), new Promise((r) => setTimeout(r, POLL_MS))]);
    if (done) break;
    if (w.verbose) {
      const info = await dom.getJobInfo().catch(() => undefined);
      if (info && info.dataTotal > 0n) printJobProgress(ctl, 'Migration', info.dataRemaining, info.dataTotal);
    }
    if (w.timeoutMs && !timedOut && Date.now() - started >= w.timeoutMs) {
      timedOut = true;
      await (w.postcopy ? dom.migrateStartPostCopy() : dom.suspend()).catch(() => undefined);
    }
  }
  await finished;
  // virsh ends the progress line with the command's own newline on stdout
  if (w.verbose) printJobProgress(ctl, 'Migration', 0n, 1n);
}
