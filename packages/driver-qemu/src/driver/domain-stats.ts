import { readdir, readFile } from 'node:fs/promises';
import {
  DomainMemoryStatTag as T, DomainStatsTypes as S, typedInt, typedString, typedUInt, typedULLong, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { currentDef, type StoredDomain } from '../state/qemu-store.js';
import { blockStats } from './block-stats.js';
import { balloonCounters } from './memory-stats.js';
import { withMonitor } from './monitor.js';
import { vcpuThreads } from '../vcpu/vcpu-slots.js';

/** The groups this driver answers (virDomainStatsTypes). */
export const QEMU_STATS = S.STATE | S.CPU_TOTAL | S.BALLOON | S.VCPU | S.INTERFACE | S.BLOCK | S.PERF | S.IOTHREAD | S.MEMORY | S.DIRTYRATE | S.VM;

const NS_PER_TICK = 10_000_000n;

/** utime and stime (ticks) and rss (pages) of a process or thread from /proc. */
export async function procStat(path: string): Promise<{ user: bigint; system: bigint; rssPages: bigint } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { user: BigInt(f[11] ?? 0), system: BigInt(f[12] ?? 0), rssPages: BigInt(f[21] ?? 0) };
}

/**
 * cpu.time, cpu.user, cpu.system from QEMU's /proc entry (no cgroups here, as libvirt falls back to),
 * then, running, the cache monitors and halt polling. A stopped domain has no process: libvirtd 9.0
 * then reads its own entry (/proc/self), and so does this.
 */
async function cpuStats(s: ActiveStatus | undefined): Promise<TypedParameter[]> {
  const st = await procStat(`/proc/${s?.pid ?? 'self'}/stat`);
  if (!st) return [];
  const times = [
    typedULLong('cpu.time', (st.user + st.system) * NS_PER_TICK),
    typedULLong('cpu.user', st.user * NS_PER_TICK),
    typedULLong('cpu.system', st.system * NS_PER_TICK),
  ];
  // No cache monitors (resctrl) are ever set up here.
  return s ? [...times, typedUInt('cpu.cache.monitor.count', 0), ...(await haltPoll(s.pid))] : times;
}

/** KVM's halt-polling times of QEMU from debugfs; 0 where there are none (TCG), as libvirtd 9.0 answers. */
async function haltPoll(pid: number | undefined): Promise<TypedParameter[]> {
  const base = '/sys/kernel/debug/kvm';
  const dir = pid === undefined ? undefined : (await readdir(base).catch(() => [] as string[])).find((n) => n.startsWith(`${pid}-`));
  const read = async (f: string): Promise<bigint> =>
    dir === undefined ? 0n : BigInt((await readFile(`${base}/${dir}/${f}`, 'utf8').catch(() => '0')).trim() || '0');
  return [typedULLong('cpu.haltpoll.success.time', await read('halt_poll_success_ns')), typedULLong('cpu.haltpoll.fail.time', await read('halt_poll_fail_ns'))];
}

/** libvirt's domstats names of virDomainMemoryStats' tags. */
const BALLOON_NAMES: Readonly<Record<number, string>> = {
  [T.SWAP_IN]: 'swap_in', [T.SWAP_OUT]: 'swap_out', [T.MAJOR_FAULT]: 'major_fault', [T.MINOR_FAULT]: 'minor_fault',
  [T.UNUSED]: 'unused', [T.AVAILABLE]: 'available', [T.USABLE]: 'usable', [T.LAST_UPDATE]: 'last-update',
  [T.DISK_CACHES]: 'disk_caches', [T.HUGETLB_PGALLOC]: 'hugetlb_pgalloc', [T.HUGETLB_PGFAIL]: 'hugetlb_pgfail',
};

/** balloon.current and maximum, then, running, the balloon's counters (as dommemstat's) and QEMU's RSS. */
async function balloonStats(d: StoredDomain, mon: QmpClient | undefined, s: ActiveStatus | undefined): Promise<TypedParameter[]> {
  const def = currentDef(d);
  const hasBalloon = devicesOf(def.devices, 'memballoon').some((b) => b.model !== 'none');
  const counters = mon && hasBalloon ? await balloonCounters(mon).catch(() => []) : [];
  const actual = counters.find((c) => c.tag === T.ACTUAL_BALLOON)?.val;
  const out = [typedULLong('balloon.current', actual ?? BigInt(def.currentMemoryKiB)), typedULLong('balloon.maximum', BigInt(def.memoryKiB))];
  for (const c of counters) {
    const name = BALLOON_NAMES[c.tag];
    if (name !== undefined) out.push(typedULLong(`balloon.${name}`, c.val));
  }
  const st = s ? await procStat(`/proc/${s.pid}/stat`) : undefined;
  if (st) out.push(typedULLong('balloon.rss', st.rssPages * 4n));
  return out;
}

/** A thread's time waiting for a CPU (the scheduler's wait_sum, 0 without schedstats) and its run delay (schedstat), in ns. */
async function schedTimes(task: string): Promise<{ wait: bigint; delay: bigint }> {
  const sched = await readFile(`${task}/sched`, 'utf8').catch(() => '');
  const waitMs = /^\S*wait_sum\s*:\s*([\d.]+)/m.exec(sched)?.[1];
  const delay = (await readFile(`${task}/schedstat`, 'utf8').catch(() => '')).split(' ')[1];
  return { wait: waitMs ? BigInt(Math.round(Number(waitMs) * 1e6)) : 0n, delay: BigInt(delay?.trim() || '0') };
}

/** vcpu.current/maximum and, running, each vCPU thread's state and time (query-cpus-fast gives the threads). */
async function vcpuStats(d: StoredDomain, mon: QmpClient | undefined, s: ActiveStatus | undefined): Promise<TypedParameter[]> {
  const def = currentDef(d);
  const out = [typedUInt('vcpu.current', def.vcpu.current ?? def.vcpu.count), typedUInt('vcpu.maximum', def.vcpu.count)];
  if (!mon || !s) return out;
  // Named by vCPU id, which a plugged vCPU does not share with QEMU's cpu-index.
  for (const [id, tid] of await vcpuThreads(mon)) {
    const task = `/proc/${s.pid}/task/${tid}`;
    const st = await procStat(`${task}/stat`);
    const { wait, delay } = await schedTimes(task);
    out.push(
      typedInt(`vcpu.${id}.state`, 1), typedULLong(`vcpu.${id}.time`, st ? (st.user + st.system) * NS_PER_TICK : 0n),
      typedULLong(`vcpu.${id}.wait`, wait), typedULLong(`vcpu.${id}.delay`, delay),
    );
  }
  return out;
}

/** net.*: each tap's counters seen from the guest (the host's transmit is the guest's receive, as libvirt swaps them). */
async function interfaceStats(d: StoredDomain): Promise<TypedParameter[]> {
  const nics = devicesOf(currentDef(d).devices, 'interface');
  const out: TypedParameter[] = [typedUInt('net.count', nics.length)];
  for (const [i, nic] of nics.entries()) {
    const dev = nic.target?.dev;
    if (!dev) continue;
    out.push(typedString(`net.${i}.name`, dev));
    const read = async (what: string): Promise<bigint> => BigInt((await readFile(`/sys/class/net/${dev}/statistics/${what}`, 'utf8').catch(() => '0')).trim() || '0');
    for (const [dir, host] of [['rx', 'tx'], ['tx', 'rx']] as const) {
      for (const [name, file] of [['bytes', 'bytes'], ['pkts', 'packets'], ['errs', 'errors'], ['drop', 'dropped']] as const) {
        out.push(typedULLong(`net.${i}.${dir}.${name}`, await read(`${host}_${file}`)));
      }
    }
  }
  return out;
}

interface DirtyRate { status: string; 'start-time': number; 'calc-time': number; mode?: string; 'dirty-rate'?: number }

const DIRTY_STATUS: Readonly<Record<string, number>> = { unstarted: 0, measuring: 1, measured: 2 };

/** dirtyrate.*: QEMU's last dirty-page rate measurement (`query-dirty-rate`). */
async function dirtyRateStats(mon: QmpClient): Promise<TypedParameter[]> {
  const r = await mon.execute<DirtyRate>('query-dirty-rate').catch(() => undefined);
  if (!r) return [];
  return [
    typedInt('dirtyrate.calc_status', DIRTY_STATUS[r.status] ?? 0),
    typedULLong('dirtyrate.calc_start_time', BigInt(r['start-time'])),
    typedInt('dirtyrate.calc_period', r['calc-time']),
    typedString('dirtyrate.calc_mode', r.mode ?? 'page-sampling'),
    ...(r.status === 'measured' && r['dirty-rate'] !== undefined ? [typedULLong('dirtyrate.megabytes_per_second', BigInt(r['dirty-rate']))] : []),
  ];
}

/** The groups libvirt answers only when the domain's QEMU has the commands (IOThreads, dirty rate, query-stats). */
const NEED_QEMU = S.IOTHREAD | S.DIRTYRATE | S.VM;

/** `--backing` (each backing image its own block entry) and `--enforce`. */
export interface StatsOptions {
  readonly backing: boolean;
  readonly enforce: boolean;
}

/**
 * One domain's record of the asked groups; a running domain's monitor is used once for all of them.
 * perf, iothread, memory and vm answer nothing, as libvirtd 9.0 for a domain without perf events,
 * IOThreads or resctrl monitors under TCG.
 */
export async function domainStats(d: StoredDomain, state: { state: number; reason: number }, groups: number, how: StatsOptions): Promise<TypedParameter[]> {
  const s = isActiveStatus(d.status) && d.status.phase === 'active' ? d.status : undefined;
  // libvirt knows what QEMU offers only of a running QEMU: enforced, these groups refuse a stopped domain.
  const needQemu = groups & NEED_QEMU;
  if (how.enforce && needQemu && !s) {
    throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `Stats types bits 0x${needQemu.toString(16)} are not supported by this daemon or QEMU`, ErrorDomain.QEMU);
  }
  const collect = async (mon: QmpClient | undefined): Promise<TypedParameter[]> => [
    ...(groups & S.STATE ? [typedInt('state.state', state.state), typedInt('state.reason', state.reason)] : []),
    ...(groups & S.CPU_TOTAL ? await cpuStats(s) : []),
    ...(groups & S.BALLOON ? await balloonStats(d, mon, s) : []),
    ...(groups & S.VCPU ? await vcpuStats(d, mon, s) : []),
    ...(groups & S.INTERFACE && s ? await interfaceStats(d) : []),
    ...(groups & S.BLOCK ? await blockStats(d, mon, s, how.backing) : []),
    ...(groups & S.DIRTYRATE && mon ? await dirtyRateStats(mon) : []),
  ];
  const needsMonitor = (groups & (S.BALLOON | S.VCPU | S.BLOCK | S.DIRTYRATE)) !== 0;
  return s && needsMonitor ? withMonitor(s, collect) : collect(undefined);
}
