import type { ContainerSpec } from '../conf/container-spec.js';
import { BLKIO_DEVICE_KEYS, setBlkioDevice, setBlkioWeight } from './blkio.js';
import { getValue, setValue } from './cgroup-ops.js';
import type { CgroupTree } from './cgroup-tree.js';

/** The devices a container may use (libvirt's list): the memory devices, ttys, ptys and the console. */
const ALLOWED_DEVICES = ['c 1:3 rwm', 'c 1:5 rwm', 'c 1:7 rwm', 'c 1:8 rwm', 'c 1:9 rwm', 'c 5:0 rwm', 'c 5:1 rwm', 'c 5:2 rwm', 'c 136:* rwm', 'c 10:229 rwm'];

/** libvirt's "unlimited" for memory parameters, in KiB (VIR_DOMAIN_MEMORY_PARAM_UNLIMITED). */
export const MEMORY_UNLIMITED = 9007199254740991n;

/** Applies `<memory>`, `<memtune>`, `<cputune>` and `<blkiotune>` to the container's cgroup (libvirt's virLXCCgroupSetup). */
export async function applyResources(tree: CgroupTree, dirs: readonly string[], spec: ContainerSpec): Promise<void> {
  const v2 = tree.version === 2;
  const mt = spec.memtune;
  const bytes = (kib: number) => String(BigInt(kib) * 1024n);
  const hard = mt?.hardLimit ?? spec.memoryKiB;
  await setValue(tree, dirs, 'memory', v2 ? 'memory.max' : 'memory.limit_in_bytes', bytes(hard));
  if (mt?.softLimit !== undefined) await setValue(tree, dirs, 'memory', v2 ? 'memory.high' : 'memory.soft_limit_in_bytes', bytes(mt.softLimit));
  if (mt?.swapHardLimit !== undefined) {
    const swap = v2 ? bytes(Math.max(0, mt.swapHardLimit - hard)) : bytes(mt.swapHardLimit);
    await setValue(tree, dirs, 'memory', v2 ? 'memory.swap.max' : 'memory.memsw.limit_in_bytes', swap);
  }
  const ct = spec.cputune;
  if (ct?.shares !== undefined) await setValue(tree, dirs, 'cpu', v2 ? 'cpu.weight' : 'cpu.shares', String(ct.shares));
  if (v2 && (ct?.quota !== undefined || ct?.period !== undefined)) {
    const quota = ct.quota === undefined || Number(ct.quota) < 0 ? 'max' : ct.quota;
    await setValue(tree, dirs, 'cpu', 'cpu.max', `${quota} ${ct.period ?? 100000}`);
  } else if (!v2) {
    if (ct?.period !== undefined) await setValue(tree, dirs, 'cpu', 'cpu.cfs_period_us', String(ct.period));
    if (ct?.quota !== undefined) await setValue(tree, dirs, 'cpu', 'cpu.cfs_quota_us', ct.quota);
  }
  await applyBlkio(tree, dirs, spec.blkiotune);
  if (!v2) {
    await setValue(tree, dirs, 'devices', 'devices.deny', 'a');
    for (const d of ALLOWED_DEVICES) await setValue(tree, dirs, 'devices', 'devices.allow', d);
  }
}

/** `<blkiotune>` at start (libvirt's virDomainCgroupSetupBlkio): a weight or device setting the host cannot take fails the start. */
async function applyBlkio(tree: CgroupTree, dirs: readonly string[], bt: ContainerSpec['blkiotune']): Promise<void> {
  if (!bt) return;
  if (bt.weight !== undefined && Number(bt.weight) !== 0) await setBlkioWeight(tree, dirs, Number(bt.weight));
  for (const dev of bt.devices ?? []) {
    for (const { key } of BLKIO_DEVICE_KEYS) {
      const v = dev[key];
      if (v && dev.path) await setBlkioDevice(tree, dirs, dev.path, key, BigInt(v));
    }
  }
}

/** The memory the container uses now, in KiB. */
export async function memoryUsageKiB(tree: CgroupTree, dirs: readonly string[]): Promise<number | undefined> {
  const v = await getValue(tree, dirs, 'memory', tree.version === 2 ? 'memory.current' : 'memory.usage_in_bytes');
  return v === undefined || !/^\d+$/.test(v) ? undefined : Number(BigInt(v) / 1024n);
}

/** CPU time the container has used, in nanoseconds. */
export async function cpuTimeNs(tree: CgroupTree, dirs: readonly string[]): Promise<bigint> {
  if (tree.version === 1) {
    const v = await getValue(tree, dirs, 'cpuacct', 'cpuacct.usage');
    return v && /^\d+$/.test(v) ? BigInt(v) : 0n;
  }
  const stat = (await getValue(tree, dirs, 'cpu', 'cpu.stat')) ?? '';
  const usec = /usage_usec (\d+)/.exec(stat)?.[1];
  return usec ? BigInt(usec) * 1000n : 0n;
}

/** A memory limit read back, in KiB; the kernel's "no limit" becomes libvirt's unlimited. */
async function limitKiB(tree: CgroupTree, dirs: readonly string[], v1File: string, v2File: string): Promise<bigint> {
  const v = await getValue(tree, dirs, 'memory', tree.version === 2 ? v2File : v1File);
  if (v === undefined || v === 'max' || !/^\d+$/.test(v)) return MEMORY_UNLIMITED;
  const kib = BigInt(v) / 1024n;
  // The kernel's "no limit" is the largest page-aligned value, a little under libvirt's unlimited.
  return kib >= MEMORY_UNLIMITED - 3n ? MEMORY_UNLIMITED : kib;
}

/** hard_limit, soft_limit and swap_hard_limit as the cgroup has them (libvirt's lxcDomainGetMemoryParameters). */
export async function memoryLimits(tree: CgroupTree, dirs: readonly string[]): Promise<{ hard: bigint; soft: bigint; swap: bigint }> {
  const [hard, soft, swap] = await Promise.all([
    limitKiB(tree, dirs, 'memory.limit_in_bytes', 'memory.max'),
    limitKiB(tree, dirs, 'memory.soft_limit_in_bytes', 'memory.high'),
    limitKiB(tree, dirs, 'memory.memsw.limit_in_bytes', 'memory.swap.max'),
  ]);
  return { hard, soft, swap };
}

/** cpu shares, CFS period and quota as the cgroup has them (libvirt's LXC schedinfo: cpu_shares, vcpu_period, vcpu_quota). */
export async function cpuSchedule(tree: CgroupTree, dirs: readonly string[]): Promise<{ shares: bigint; period: bigint; quota: bigint }> {
  const num = (v: string | undefined) => (v !== undefined && /^-?\d+$/.test(v) ? BigInt(v) : 0n);
  if (tree.version === 2) {
    const [quota = 'max', period] = ((await getValue(tree, dirs, 'cpu', 'cpu.max')) ?? 'max 100000').split(' ');
    return { shares: num(await getValue(tree, dirs, 'cpu', 'cpu.weight')), period: num(period), quota: quota === 'max' ? -1n : num(quota) };
  }
  const [shares, period, quota] = await Promise.all(['cpu.shares', 'cpu.cfs_period_us', 'cpu.cfs_quota_us'].map((f) => getValue(tree, dirs, 'cpu', f)));
  return { shares: num(shares), period: num(period), quota: num(quota) };
}

/** Writes memory limits (KiB; MEMORY_UNLIMITED lifts one) into a running container's cgroup, swap last when it shrinks. */
export async function setMemoryLimits(tree: CgroupTree, dirs: readonly string[], l: { hard?: bigint; soft?: bigint; swap?: bigint }): Promise<void> {
  const v2 = tree.version === 2;
  const val = (kib: bigint) => (kib >= MEMORY_UNLIMITED ? (v2 ? 'max' : '-1') : String(kib * 1024n));
  const writeSwap = async () => {
    if (l.swap !== undefined) await setValue(tree, dirs, 'memory', v2 ? 'memory.swap.max' : 'memory.memsw.limit_in_bytes', val(l.swap));
  };
  const current = await memoryLimits(tree, dirs);
  const swapFirst = l.swap !== undefined && l.swap > current.swap;
  if (swapFirst) await writeSwap();
  if (l.hard !== undefined) await setValue(tree, dirs, 'memory', v2 ? 'memory.max' : 'memory.limit_in_bytes', val(l.hard));
  if (l.soft !== undefined) await setValue(tree, dirs, 'memory', v2 ? 'memory.high' : 'memory.soft_limit_in_bytes', val(l.soft));
  if (!swapFirst) await writeSwap();
}
