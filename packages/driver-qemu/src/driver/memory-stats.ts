import type { DomainDef } from '@tsvirt/conf';
import { DomainMemoryStatTag as T, DomainModificationImpact as I, type DomainMemoryStat } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { currentDef, type StoredDomain } from '../state/qemu-store.js';
import type { DriverContext } from './driver-context.js';
import { applyChange } from './domain-resources.js';
import { procStat } from './domain-stats.js';
import { withMonitor } from './monitor.js';

const D = ErrorDomain.QEMU;

/** The balloon's QOM path: the command builder names the virtio balloon `balloon0`. */
const BALLOON_PATH = '/machine/peripheral/balloon0';

/** QEMU's guest-stats fields in libvirt's order: tag and divisor (bytes become KiB). */
const GUEST_STATS: ReadonlyArray<readonly [field: string, tag: number, divisor: bigint, inStats: boolean]> = [
  ['stat-swap-in', T.SWAP_IN, 1024n, true],
  ['stat-swap-out', T.SWAP_OUT, 1024n, true],
  ['stat-major-faults', T.MAJOR_FAULT, 1n, true],
  ['stat-minor-faults', T.MINOR_FAULT, 1n, true],
  ['stat-free-memory', T.UNUSED, 1024n, true],
  ['stat-total-memory', T.AVAILABLE, 1024n, true],
  ['stat-available-memory', T.USABLE, 1024n, true],
  ['last-update', T.LAST_UPDATE, 1n, false],
  ['stat-disk-caches', T.DISK_CACHES, 1024n, true],
  ['stat-htlb-pgalloc', T.HUGETLB_PGALLOC, 1n, true],
  ['stat-htlb-pgfail', T.HUGETLB_PGFAIL, 1n, true],
];

/** QEMU reports a counter the guest never filled in as all ones (2^64 - 1, which JSON.parse rounds to 2^64). */
const NOT_COLLECTED = 2 ** 64;

interface GuestStats {
  readonly 'last-update'?: number;
  readonly stats?: Readonly<Record<string, number>>;
}

/** The balloon's counters: its size, then what the guest's driver last reported (libvirt's order). */
export async function balloonCounters(mon: QmpClient): Promise<DomainMemoryStat[]> {
  const { actual } = await mon.execute<{ actual: number }>('query-balloon');
  const out: DomainMemoryStat[] = [{ tag: T.ACTUAL_BALLOON, val: BigInt(actual) / 1024n }];
  const guest = await mon.execute<GuestStats>('qom-get', { path: BALLOON_PATH, property: 'guest-stats' }).catch(() => undefined);
  if (!guest?.stats) return out;
  for (const [field, tag, divisor, inStats] of GUEST_STATS) {
    const raw = inStats ? guest.stats[field] : guest[field as 'last-update'];
    if (typeof raw === 'number' && raw >= 0 && raw < NOT_COLLECTED) out.push({ tag, val: BigInt(Math.trunc(raw)) / divisor });
  }
  return out;
}

/**
 * virDomainMemoryStats as libvirt's QEMU driver answers it: the balloon's counters when the domain
 * has a balloon (`query-balloon`, the guest's report through `qom-get guest-stats`), then QEMU's
 * resident set size from /proc, at most `nrStats` of them.
 */
export async function memoryStats(d: StoredDomain, s: ActiveStatus, nrStats: number): Promise<DomainMemoryStat[]> {
  const hasBalloon = devicesOf(currentDef(d).devices, 'memballoon').some((b) => b.model !== 'none');
  const counters = hasBalloon ? await withMonitor(s, balloonCounters) : [];
  if (counters.length >= nrStats) return counters.slice(0, nrStats);
  // libvirt logs a failed /proc read and answers without the RSS; so does this.
  const st = await procStat(`/proc/${s.pid}/stat`);
  return st ? [...counters, { tag: T.RSS, val: st.rssPages * 4n }] : counters;
}

/** Asks QEMU's balloon to poll the guest's counters every `period` seconds (0: never). */
function setPollingInterval(mon: QmpClient, period: number): Promise<unknown> {
  return mon.execute('qom-set', { path: BALLOON_PATH, property: 'guest-stats-polling-interval', value: period });
}

/** At start, as libvirt's qemuProcessSetupBalloon: the `<stats period>` of the balloon told to QEMU. */
export function balloonSetup(mon: QmpClient, def: DomainDef): Array<Promise<unknown>> {
  const period = devicesOf(def.devices, 'memballoon').find((b) => b.model !== 'none')?.statsPeriod;
  return period ? [setPollingInterval(mon, period)] : [];
}

/**
 * virDomainSetMemoryStatsPeriod as libvirt 9.0's QEMU driver: the live balloon's polling interval
 * (QOM `guest-stats-polling-interval`) and/or the `<stats period>` of the definitions reached.
 */
export async function setMemoryStatsPeriod(drv: DriverContext, d: StoredDomain, period: number, flags: number): Promise<void> {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainSetMemoryStatsPeriod', D);
  await applyChange(drv, d, flags, (def, live) => {
    const balloon = devicesOf(def.devices, 'memballoon').find((b) => b.model !== 'none');
    if (!balloon) throw new VirError(ErrorCode.OPERATION_INVALID, `${live ? 'Active' : 'Inactive'} domain has no memory balloon device`, D);
    writeBack(def, { ...balloon, statsPeriod: period });
  }, async (s) => {
    await withMonitor(s, (mon) => setPollingInterval(mon, period)).catch(() => {
      throw new VirError(ErrorCode.OPERATION_INVALID, 'unable to set balloon driver collection period', D);
    });
  });
}
