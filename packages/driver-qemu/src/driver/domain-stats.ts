import { readFile, stat } from 'node:fs/promises';
import {
  DomainStatsTypes as S, typedInt, typedString, typedUInt, typedULLong, type TypedParameter,
} from '@tsvirt/api';
import { disksOf } from '../devices/qemu-disk.js';
import { devicesOf } from '../devices/typed-devices.js';
import { formatNode } from '../command/disk-props.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { currentDef, type StoredDomain } from '../state/qemu-store.js';
import { withMonitor } from './monitor.js';
import { vcpuThreads } from '../vcpu/vcpu-slots.js';

/** The groups this driver answers (virDomainStatsTypes). */
export const QEMU_STATS = S.STATE | S.CPU_TOTAL | S.BALLOON | S.VCPU | S.INTERFACE | S.BLOCK;

const NS_PER_TICK = 10_000_000n;

/** utime and stime (ticks) and rss (pages) of a process or thread from /proc. */
export async function procStat(path: string): Promise<{ user: bigint; system: bigint; rssPages: bigint } | undefined> {
  const text = await readFile(path, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { user: BigInt(f[11] ?? 0), system: BigInt(f[12] ?? 0), rssPages: BigInt(f[21] ?? 0) };
}

const ull = (v: number | undefined): bigint => BigInt(Math.max(0, Math.trunc(v ?? 0)));

/** cpu.time, cpu.user, cpu.system from QEMU's /proc entry (no cgroups here, as libvirt falls back to). */
async function cpuStats(s: ActiveStatus): Promise<TypedParameter[]> {
  const st = await procStat(`/proc/${s.pid}/stat`);
  if (!st) return [];
  return [
    typedULLong('cpu.time', (st.user + st.system) * NS_PER_TICK),
    typedULLong('cpu.user', st.user * NS_PER_TICK),
    typedULLong('cpu.system', st.system * NS_PER_TICK),
  ];
}

/** balloon.current (from QEMU's balloon when running), balloon.maximum and, running, balloon.rss. */
async function balloonStats(d: StoredDomain, mon: QmpClient | undefined, s: ActiveStatus | undefined): Promise<TypedParameter[]> {
  const def = currentDef(d);
  const actual = mon ? (await mon.execute<{ actual: number }>('query-balloon').catch(() => undefined))?.actual : undefined;
  const out = [
    typedULLong('balloon.current', actual !== undefined ? BigInt(actual) / 1024n : BigInt(def.currentMemoryKiB)),
    typedULLong('balloon.maximum', BigInt(def.memoryKiB)),
  ];
  const st = s ? await procStat(`/proc/${s.pid}/stat`) : undefined;
  if (st) out.push(typedULLong('balloon.rss', st.rssPages * 4n));
  return out;
}

/** vcpu.current/maximum and, running, each vCPU thread's state and time (query-cpus-fast gives the threads). */
async function vcpuStats(d: StoredDomain, mon: QmpClient | undefined, s: ActiveStatus | undefined): Promise<TypedParameter[]> {
  const def = currentDef(d);
  const out = [typedUInt('vcpu.current', def.vcpu.current ?? def.vcpu.count), typedUInt('vcpu.maximum', def.vcpu.count)];
  if (!mon || !s) return out;
  // Named by vCPU id, which a plugged vCPU does not share with QEMU's cpu-index.
  for (const [id, tid] of await vcpuThreads(mon)) {
    const st = await procStat(`/proc/${s.pid}/task/${tid}/stat`);
    out.push(typedInt(`vcpu.${id}.state`, 1), typedULLong(`vcpu.${id}.time`, st ? (st.user + st.system) * NS_PER_TICK : 0n));
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

interface BlockStatsEntry { 'node-name'?: string; qdev?: string; stats: Record<string, number> }
interface BlockInfo { qdev?: string; inserted?: { image: { 'virtual-size': number } } }

/** block.*: each disk's name and path and, running, QEMU's counters, capacity and the file's size. */
async function blockStats(d: StoredDomain, mon: QmpClient | undefined, s: ActiveStatus | undefined): Promise<TypedParameter[]> {
  const disks = disksOf(currentDef(d).devices);
  const out: TypedParameter[] = [typedUInt('block.count', disks.length)];
  const stats = mon ? await mon.execute<BlockStatsEntry[]>('query-blockstats') : [];
  const infos = mon ? await mon.execute<BlockInfo[]>('query-block') : [];
  const byDevice = <T extends { qdev?: string }>(list: readonly T[], alias: string | undefined): T | undefined =>
    alias === undefined ? undefined : list.find((e) => e.qdev === alias || e.qdev?.includes(`/${alias}/`));
  for (const [i, disk] of disks.entries()) {
    out.push(typedString(`block.${i}.name`, disk.target));
    if (disk.path !== undefined) out.push(typedString(`block.${i}.path`, disk.path));
    if (!s) continue;
    const node = disk.alias !== undefined ? s.diskNodes[disk.alias] : undefined;
    const st = (byDevice(stats, disk.alias) ?? stats.find((e) => node !== undefined && e['node-name'] === formatNode(node)))?.stats;
    if (st) {
      
      out.push(
        typedULLong(`block.${i}.rd.reqs`, ull(st['rd_operations'])), typedULLong(`block.${i}.rd.bytes`, ull(st['rd_bytes'])),
        typedULLong(`block.${i}.rd.times`, ull(st['rd_total_time_ns'])), typedULLong(`block.${i}.wr.reqs`, ull(st['wr_operations'])),
        typedULLong(`block.${i}.wr.bytes`, ull(st['wr_bytes'])), typedULLong(`block.${i}.wr.times`, ull(st['wr_total_time_ns'])),
        typedULLong(`block.${i}.fl.reqs`, ull(st['flush_operations'])), typedULLong(`block.${i}.fl.times`, ull(st['flush_total_time_ns'])),
        typedULLong(`block.${i}.allocation`, ull(st['wr_highest_offset'])),
      );
    }
    const size = byDevice(infos, disk.alias)?.inserted?.image['virtual-size'];
    if (size !== undefined) out.push(typedULLong(`block.${i}.capacity`, ull(size)));
    const physical = disk.path !== undefined ? await stat(disk.path).then((x) => x.size, () => undefined) : undefined;
    if (physical !== undefined) out.push(typedULLong(`block.${i}.physical`, ull(physical)));
  }
  return out;
}

/** One domain's record of the asked groups; a running domain's monitor is used once for all of them. */
export async function domainStats(d: StoredDomain, state: { state: number; reason: number }, groups: number): Promise<TypedParameter[]> {
  const s = isActiveStatus(d.status) && d.status.phase === 'active' ? d.status : undefined;
  const collect = async (mon: QmpClient | undefined): Promise<TypedParameter[]> => [
    ...(groups & S.STATE ? [typedInt('state.state', state.state), typedInt('state.reason', state.reason)] : []),
    ...(groups & S.CPU_TOTAL && s ? await cpuStats(s) : []),
    ...(groups & S.BALLOON ? await balloonStats(d, mon, s) : []),
    ...(groups & S.VCPU ? await vcpuStats(d, mon, s) : []),
    ...(groups & S.INTERFACE ? await interfaceStats(d) : []),
    ...(groups & S.BLOCK ? await blockStats(d, mon, s) : []),
  ];
  const needsMonitor = (groups & (S.BALLOON | S.VCPU | S.BLOCK)) !== 0;
  return s && needsMonitor ? withMonitor(s, collect) : collect(undefined);
}
