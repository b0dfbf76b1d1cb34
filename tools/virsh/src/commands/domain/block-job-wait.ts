import { DomainBlockJobAbortFlags, DomainBlockJobStatus, DomainBlockJobType, DomainEventID, type Domain, type DomainDriverEvent } from '@tsvirt/api';
import { CommandFailed, type Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { ullOpt, scaledOpt, uintOpt } from '../../vsh/option-values.js';
import { VshError } from '../../vsh/vsh-error.js';

/** virDomainBlockJobType as virsh names it. */
export const BLOCK_JOB_NAMES = ['Unknown', 'Block Pull', 'Block Copy', 'Block Commit', 'Active Block Commit', 'Backup'];

/** virsh's progress line on stderr: `\rLABEL: [ NN %]`, 100 only once nothing remains. */
export function printJobProgress(ctl: Ctl, label: string, remaining: bigint, total: bigint): void {
  const progress = remaining === 0n ? 100 : Math.min(99, Number(((total - remaining) * 100n) / (total === 0n ? 1n : total)));
  ctl.rawError(`\r${label}: [${String(progress).padStart(3)} %]`);
}

/**
 * The `--bandwidth` option as virsh reads it: a plain number (a negative one wraps) counts MiB/s, or
 * bytes/s with `--bytes`; any other form is a size with a unit suffix, in bytes/s, turned into whole
 * MiB/s without `--bytes`.
 */
export function bandwidthOpt(cmd: ParsedCommand): bigint {
  if (cmd.string('bandwidth') === undefined) return 0n;
  const plain = ((): bigint | undefined => {
    try {
      return ullOpt(cmd, 'bandwidth', true);
    } catch {
      return undefined;
    }
  })();
  if (plain !== undefined) return plain;
  const bytes = scaledOpt(cmd, 'bandwidth', 1n, 2n ** 64n - 1n, '--bandwidth') ?? 0n;
  return cmd.bool('bytes') ? bytes : bytes >> 20n;
}

/** `--timeout` in milliseconds (0 without one); it must be positive. */
export function timeoutMs(cmd: ParsedCommand): number {
  const raw = cmd.string('timeout');
  if (raw === undefined) return 0;
  const t = uintOpt(cmd, 'timeout');
  if (!t) throw new VshError(`Numeric value '${raw}' for <timeout> option is malformed or out of range`);
  return t * 1000;
}

/** How a wait goes: the disk as the user named it, the progress label, `--verbose`, `--timeout`, `--async`. */
export interface JobWait {
  readonly path: string;
  readonly label: string;
  readonly verbose: boolean;
  readonly timeoutMs: number;
  readonly async: boolean;
}

/** How long a wait sleeps between two looks at the job, unless an event of the disk's ends the sleep first. */
const POLL_MS = 500;

/**
 * virsh's wait for a block job (virshBlockJobWait): the BLOCK_JOB events naming the disk are
 * followed from before `start` begins the job (as virsh registers them first, so a job that ends
 * at once is not missed), then the job's progress is looked at every 500 ms (the first look at
 * once only with --verbose or without the events) and its end taken from those events; an event ends the sleep at once, and the wait then ends without another
 * look. Without events, a vanished job is complete and one at 100 % is ready. A timeout aborts
 * it. `then` gets the DomainBlockJobStatus while the events are still followed: a local driver
 * keeps its connection to QEMU for them, which a pivot or finish then uses instead of opening one.
 */
export async function startAndWait<T>(ctl: Ctl, dom: Domain, w: JobWait, start: () => Promise<void>, then: (status: number) => Promise<T>): Promise<T> {
  let status = -1;
  let wake: (() => void) | undefined;
  const offs: Array<() => void> = [];
  const onEvent = (_d: Domain, e: DomainDriverEvent): void => {
    if ((e.eventID === DomainEventID.BLOCK_JOB || e.eventID === DomainEventID.BLOCK_JOB_2) && e.disk === w.path) {
      status = e.status;
      wake?.();
    }
  };
  /** Sleeps for a poll's time, or less when an event of the disk comes (at once when one came). */
  const nap = async (): Promise<void> => {
    if (status !== -1) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, POLL_MS);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    wake = undefined;
  };
  let followed = false;
  try {
    for (const id of [DomainEventID.BLOCK_JOB, DomainEventID.BLOCK_JOB_2]) {
      offs.push(await dom.conn.domainEventRegisterAny(dom, id, onEvent).then((off) => {
        followed = true;
        return off;
      }, () => () => undefined));
    }
    await start();
    const started = Date.now();
    // With the events followed and no progress to print, the first look waits a poll: a look takes
    // the job lock and a trip to QEMU while the job runs, and a short job's event ends the wait first.
    if (followed && !w.verbose) await nap();
    // A copy or active commit that stays at 100 % is ready (virsh's fallback when no event comes).
    let atEnd = 0;
    let result: number;
    for (;;) {
      if (status !== -1) {
        result = status;
        break;
      }
      let info;
      try {
        info = await dom.blockJobInfo(w.path);
      } catch (e) {
        throw new CommandFailed(`failed to query job for disk ${w.path}`, e);
      }
      if (status !== -1) {
        result = status;
        break;
      }
      if (!info) {
        result = DomainBlockJobStatus.COMPLETED;
        break;
      }
      atEnd = info.end === info.cur && info.end > 0n && (info.type === DomainBlockJobType.COPY || info.type === DomainBlockJobType.ACTIVE_COMMIT) ? atEnd + 1 : 0;
      if (atEnd > 1) {
        result = DomainBlockJobStatus.READY;
        break;
      }
      if (w.verbose && (info.cur !== 0n || info.end !== 0n)) printJobProgress(ctl, w.label, info.end - info.cur, info.end);
      if (w.timeoutMs && Date.now() - started > w.timeoutMs) {
        try {
          await dom.blockJobAbort(w.path, w.async ? DomainBlockJobAbortFlags.ASYNC : 0);
        } catch (e) {
          throw new CommandFailed(`failed to abort job for disk '${w.path}'`, e);
        }
        result = DomainBlockJobStatus.CANCELED;
        break;
      }
      // An event that ends the sleep tells how the job stands: the loop ends without another look.
      await nap();
    }
    if (w.verbose && (result === DomainBlockJobStatus.COMPLETED || result === DomainBlockJobStatus.READY)) printJobProgress(ctl, w.label, 0n, 1n);
    return await then(result);
  } finally {
    for (const off of offs) off();
  }
}
