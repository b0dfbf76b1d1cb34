import { readFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { parseCpuSet, parseDomainXML } from '@tsvirt/conf';
import { DomainModificationImpact as I, type DomainVcpus, type VcpuInfo } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { modificationImpact } from '../driver/modification-impact.js';
import { withMonitor } from '../driver/monitor.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, type StoredDomain } from '../state/qemu-store.js';
import { vcpuThreads } from './vcpu-slots.js';
import { vcpuPinOf } from './vcpu-affinity.js';

const D = ErrorDomain.QEMU;
/** Linux's USER_HZ: /proc reports thread times in these ticks. */
const TICKS_PER_SECOND = 100n;

const hostMap = (cpuset: string | undefined): boolean[] => {
  const host = cpus().length;
  const bits = cpuset === undefined ? undefined : parseCpuSet(cpuset);
  return Array.from({ length: host }, (_, i) => bits?.[i] ?? true);
};

/** A thread's CPU time (ns), the host CPU it last ran on, and the CPUs it may run on, from /proc. */
async function threadInfo(pid: number, tid: number): Promise<{ cpuTime: bigint; cpu: number; map: boolean[] }> {
  const dir = `/proc/${pid}/task/${tid}`;
  const [stat, status] = await Promise.all([readFile(`${dir}/stat`, 'utf8'), readFile(`${dir}/status`, 'utf8')]);
  // Fields after the command name, which may hold blanks: state is field 3, utime 14, stime 15, processor 39.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = BigInt(f[11]!) + BigInt(f[12]!);
  return {
    cpuTime: (ticks * 1_000_000_000n) / TICKS_PER_SECOND,
    cpu: Number(f[36]),
    map: hostMap(/Cpus_allowed_list:\s*(\S+)/.exec(status)?.[1]),
  };
}

/** virDomainGetVcpus (vcpuinfo) of a running domain: each online vCPU by id, its thread's time, CPU and affinity. */
export async function domainVcpus(d: StoredDomain): Promise<DomainVcpus> {
  if (!isActiveStatus(d.status) || d.status.phase !== 'active') {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot retrieve vcpu information for inactive domain', D);
  }
  const s = d.status;
  const threads = await withMonitor(s, vcpuThreads);
  const ids = [...threads.keys()];
  const infos = await Promise.all(ids.map((id) => threadInfo(s.pid!, threads.get(id)!)));
  return {
    info: infos.map((t, n): VcpuInfo => ({ number: ids[n]!, state: 1, cpuTime: t.cpuTime, cpu: t.cpu })),
    cpumaps: infos.map((t) => t.map),
  };
}

/** virDomainGetVcpuPinInfo: each vCPU's allowed CPUs, as wide as the host, from the definition the flags name. */
export function vcpuPinInfo(d: StoredDomain, flags: number): boolean[][] {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainGetVcpuPinInfo', D);
  const def = modificationImpact(d, flags).live ? parseDomainXML((d.status as ActiveStatus).xml, { arch: GUEST_ARCH }) : d.persistentDef!;
  return Array.from({ length: def.vcpu.count }, (_, id) => hostMap(vcpuPinOf(def, id)));
}
