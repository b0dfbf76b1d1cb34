/** What the vcpu, memory, block and interface entry points return (libvirt's structs, camelCased). */

/** virVcpuInfo: one online vcpu of a running domain. */
export interface VcpuInfo {
  readonly number: number;
  /** VcpuState. */
  readonly state: number;
  /** CPU time used, in nanoseconds. */
  readonly cpuTime: bigint;
  /** The host CPU it runs on. */
  readonly cpu: number;
}

/** virDomainGetVcpus: each online vcpu and the host CPUs it may run on (one entry per host CPU). */
export interface DomainVcpus {
  readonly info: readonly VcpuInfo[];
  readonly cpumaps: readonly (readonly boolean[])[];
}

/** virNodeGetCPUMap: how many CPUs the host has and which of them are online. */
export interface NodeCPUMap {
  readonly cpus: number;
  readonly online: readonly boolean[];
  readonly onlineCount: number;
}

/** virDomainInterfaceStatsStruct: counters of one interface (-1 where the hypervisor does not say). */
export interface DomainInterfaceStats {
  readonly rxBytes: number;
  readonly rxPackets: number;
  readonly rxErrs: number;
  readonly rxDrop: number;
  readonly txBytes: number;
  readonly txPackets: number;
  readonly txErrs: number;
  readonly txDrop: number;
}

/** virDomainBlockInfo: sizes of one disk in bytes. */
export interface DomainBlockInfo {
  readonly capacity: number;
  readonly allocation: number;
  readonly physical: number;
}
