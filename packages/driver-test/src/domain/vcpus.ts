import { formatCpuSet, otherPart, parseCpuSet, setDomainPart, type DomainDef } from '@tsvirt/conf';
import {
  DomainModificationImpact as Impact, DomainVcpuFlags as V, VcpuState, type DomainVcpus, type NodeCPUMap, type NodeInfo,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;

/** testConnectGetMaxVcpus: the most vcpus a test domain may have. */
export const TEST_MAX_VCPUS = 32;

/** testNodeGetCPUMap answers with fixed facts: 8 CPUs, of which 0, 2 and 4 are online. */
const TEST_CPU_MAP: NodeCPUMap = {
  cpus: 8,
  online: [true, false, true, false, true, false, false, false],
  onlineCount: 3,
};

export function nodeGetCPUMap(flags: number): NodeCPUMap {
  checkFlags(flags, 0, 'testNodeGetCPUMap', D);
  return TEST_CPU_MAP;
}

const onlineVcpus = (def: DomainDef): number => def.vcpu.current ?? def.vcpu.count;

/** The `<vcpupin>`s of `<cputune>`, which hold each pinned vcpu's cpuset. */
const vcpupins = (def: DomainDef): Array<{ vcpu?: number; cpuset?: string }> => otherPart(def, 'cputune')?.vcpupins ?? [];

/**
 * The host CPUs a vcpu may use: its own pinning, else the domain's `<vcpu cpuset>`, else every
 * CPU of the host (libvirt's order of precedence).
 */
function affinity(def: DomainDef, vcpu: number, nodeInfo: NodeInfo): boolean[] {
  const cpuset = vcpupins(def).find((p) => p.vcpu === vcpu)?.cpuset ?? def.vcpu.cpuset;
  // A vcpu pinned to no CPU at all is allowed through the API; its cpuset is empty.
  if (cpuset !== undefined) return cpuset === '' ? [] : parseCpuSet(cpuset);
  const hostCpus = nodeInfo.nodes * nodeInfo.sockets * nodeInfo.cores * nodeInfo.threads;
  return new Array<boolean>(hostCpus).fill(true);
}

/** Replaces the pinning of one vcpu; pins stay in vcpu order, as libvirt formats them. */
function setPin(def: DomainDef, vcpu: number, cpumap: readonly boolean[]): void {
  const pins = [...vcpupins(def).filter((p) => p.vcpu !== vcpu), { vcpu, cpuset: formatCpuSet(cpumap) }];
  pins.sort((a, b) => a.vcpu! - b.vcpu!);
  setDomainPart(def, 'cputune', { ...otherPart(def, 'cputune'), vcpupins: pins });
}

/** libvirt's virDomainDefSetVcpusMax: vcpus past the new maximum go, with their pinning. */
function setMaxVcpus(def: DomainDef, count: number): void {
  def.vcpu.count = count;
  if (onlineVcpus(def) > count) def.vcpu.current = count;
  const cputune = otherPart(def, 'cputune');
  if (!cputune?.vcpupins) return;
  const pins = cputune.vcpupins.filter((p) => p.vcpu! < count);
  setDomainPart(def, 'cputune', { ...cputune, vcpupins: pins.length ? pins : undefined });
}

const exceeds = (count: number, max: number, what = 'maximum'): VirError =>
  new VirError(ErrorCode.INVALID_ARG, `requested cpu amount exceeds ${what} (${count} > ${max})`, D);

/** testDomainSetVcpusFlags: the online count of the live and/or persistent definition, or (MAXIMUM) the persistent maximum. */
export function setVcpusFlags(obj: DomainObject, count: number, flags: number): void {
  checkFlags(flags, V.LIVE | V.CONFIG | V.MAXIMUM, 'testDomainSetVcpusFlags', D);
  if (count > TEST_MAX_VCPUS) throw exceeds(count, TEST_MAX_VCPUS, 'maximum supported amount');
  const { live, config } = impactDefs(obj, flags);
  if (live && live.vcpu.count < count) throw exceeds(count, live.vcpu.count);
  if (config && !(flags & V.MAXIMUM) && config.vcpu.count < count) throw exceeds(count, config.vcpu.count);
  if (live) live.vcpu.current = count;
  if (config && flags & V.MAXIMUM) setMaxVcpus(config, count);
  else if (config) config.vcpu.current = count;
}

/** testDomainGetVcpusFlags: the online or (MAXIMUM) maximum count of one definition. */
export function getVcpusFlags(obj: DomainObject, flags: number): number {
  checkFlags(flags, V.LIVE | V.CONFIG | V.MAXIMUM, 'testDomainGetVcpusFlags', D);
  const def = impactDef(obj, flags);
  return flags & V.MAXIMUM ? def.vcpu.count : onlineVcpus(def);
}

/**
 * testDomainGetVcpus: each online vcpu running on the last CPU it may use; the CPU time is a
 * fake that grows with the clock.
 */
export function getVcpus(obj: DomainObject, nodeInfo: NodeInfo): DomainVcpus {
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot list vcpus for an inactive domain', D);
  const cpuTime = BigInt(Date.now()) * 100n;
  const cpumaps = Array.from({ length: onlineVcpus(obj.def) }, (_, i) => affinity(obj.def, i, nodeInfo));
  const info = cpumaps.map((map, number) => ({ number, state: VcpuState.RUNNING, cpuTime, cpu: map.lastIndexOf(true) }));
  return { info, cpumaps };
}

/** testDomainGetVcpuPinInfo: the affinity of every vcpu up to the maximum; libvirt 9.0 checks no flags here. */
export function getVcpuPinInfo(obj: DomainObject, flags: number, nodeInfo: NodeInfo): boolean[][] {
  const def = impactDef(obj, flags);
  return Array.from({ length: def.vcpu.count }, (_, i) => affinity(def, i, nodeInfo));
}

/** testDomainPinVcpuFlags: pins an online vcpu of the running domain; it takes no flags. */
export function pinVcpuFlags(obj: DomainObject, vcpu: number, cpumap: readonly boolean[], flags: number): void {
  checkFlags(flags, 0, 'testDomainPinVcpuFlags', D);
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot pin vcpus on an inactive domain', D);
  const { live } = impactDefs(obj, Impact.LIVE);
  if (vcpu >= onlineVcpus(live!)) {
    throw new VirError(ErrorCode.INVALID_ARG, `requested vcpu '${vcpu}' is not present in the domain`, D);
  }
  setPin(live!, vcpu, cpumap);
}
