import type { DomainInfo, DomainRef, NodeInfo, SecurityLabel, SecurityModel } from './driver-types.js';
import type { DomainStateEntryPoints } from './domain-state-entry-points.js';
import type { DomainTuningEntryPoints } from './domain-tuning-entry-points.js';
import type { DomainJobEntryPoints } from './domain-job-entry-points.js';
import type { HostEntryPoints } from './host-entry-points.js';
import type { DomainBackupEntryPoints } from './backup-entry-points.js';
import type { ConsoleEntryPoints } from './console-entry-points.js';
import type { CloseCallbackEntryPoints } from './close-callback-entry-points.js';
import type { DomainEventEntryPoints } from './domain-driver-event.js';
import type { DomainAddressEntryPoints } from './domain-iface-addrs.js';
import type { DomainDumpEntryPoints } from './domain-dump.js';
import type { DomainInputEntryPoints } from './domain-input-entry-points.js';
import type { DomainAgentEntryPoints } from './domain-agent-entry-points.js';
import type { DomainBlockJobEntryPoints } from './domain-blockjob-entry-points.js';
import type { DomainControlEntryPoints } from './domain-control-entry-points.js';
import type { DomainMigrationEntryPoints } from './domain-migration-entry-points.js';
import type { DomainBlockInfo, DomainInterfaceStats, DomainVcpus, NodeCPUMap } from './domain-resource-types.js';

/**
 * The hypervisor entry points a driver provides (libvirt's virHypervisorDriver). Every member is
 * optional: the API turns a missing one into libvirt's NO_SUPPORT error naming the public call.
 * `flags` arguments carry libvirt's flag values; a driver rejects flags it does not know.
 */
export interface HypervisorDriver extends DomainStateEntryPoints, DomainTuningEntryPoints, DomainJobEntryPoints, HostEntryPoints,
  DomainBackupEntryPoints, ConsoleEntryPoints, CloseCallbackEntryPoints, DomainEventEntryPoints, DomainAddressEntryPoints, DomainDumpEntryPoints,
  DomainInputEntryPoints, DomainAgentEntryPoints, DomainBlockJobEntryPoints,
  DomainControlEntryPoints, DomainMigrationEntryPoints {
  /** The driver's name as `virsh version` shows it (`TEST`, `QEMU`, `LXC`). */
  connectGetType?(): Promise<string>;
  /** Hypervisor version as libvirt encodes it: major * 1,000,000 + minor * 1,000 + micro. */
  connectGetVersion?(): Promise<number>;
  connectGetHostname?(): Promise<string>;
  connectGetCapabilities?(): Promise<string>;
  nodeGetInfo?(): Promise<NodeInfo>;
  nodeGetSecurityModel?(): Promise<SecurityModel>;
  /** CPU time counters (user, kernel, idle, iowait ...) of one CPU, or all with NODE_CPU_STATS_ALL_CPUS. */
  nodeGetCPUStats?(cpuNum: number, flags: number): Promise<NodeStat[]>;
  /** Memory counters in KiB (total, free, buffers, cached) of one NUMA cell, or all with NODE_MEMORY_STATS_ALL_CELLS. */
  nodeGetMemoryStats?(cellNum: number, flags: number): Promise<NodeStat[]>;
  /** The host's SMBIOS data as `<sysinfo>` XML. */
  connectGetSysinfo?(flags: number): Promise<string>;

  /** Domains matching ListDomainsFlags (0 for all). */
  connectListAllDomains?(flags: number): Promise<DomainRef[]>;
  domainLookupByName?(name: string): Promise<DomainRef>;
  domainLookupByID?(id: number): Promise<DomainRef>;
  domainLookupByUUID?(uuid: string): Promise<DomainRef>;

  domainDefineXML?(xml: string, flags: number): Promise<DomainRef>;
  domainCreateXML?(xml: string, flags: number): Promise<DomainRef>;
  domainUndefine?(dom: DomainRef, flags: number): Promise<void>;
  domainCreate?(dom: DomainRef, flags: number): Promise<DomainRef>;
  domainDestroy?(dom: DomainRef, flags: number): Promise<void>;
  domainShutdown?(dom: DomainRef, flags: number): Promise<void>;
  domainReboot?(dom: DomainRef, flags: number): Promise<void>;
  domainReset?(dom: DomainRef, flags: number): Promise<void>;
  /** Sends the guest a non-maskable interrupt (virDomainInjectNMI). */
  domainInjectNMI?(dom: DomainRef, flags: number): Promise<void>;
  domainSuspend?(dom: DomainRef): Promise<void>;
  domainResume?(dom: DomainRef): Promise<void>;

  domainGetXMLDesc?(dom: DomainRef, flags: number): Promise<string>;
  domainGetInfo?(dom: DomainRef): Promise<DomainInfo>;
  /** State and the reason code for it. */
  domainGetState?(dom: DomainRef, flags: number): Promise<{ state: number; reason: number }>;
  domainGetOSType?(dom: DomainRef): Promise<string>;
  domainIsActive?(dom: DomainRef): Promise<boolean>;
  domainIsPersistent?(dom: DomainRef): Promise<boolean>;
  domainGetAutostart?(dom: DomainRef): Promise<boolean>;
  domainSetAutostart?(dom: DomainRef, autostart: boolean): Promise<void>;
  domainHasManagedSaveImage?(dom: DomainRef, flags: number): Promise<boolean>;
  domainGetSecurityLabel?(dom: DomainRef): Promise<SecurityLabel>;

  /** Adds a device described by `xml` (DomainDeviceModifyFlags: live, config or both). */
  domainAttachDevice?(dom: DomainRef, xml: string, flags: number): Promise<void>;
  /** Removes the device `xml` matches (DomainDeviceModifyFlags); a live unplug may finish later. */
  domainDetachDevice?(dom: DomainRef, xml: string, flags: number): Promise<void>;
  /** I/O counters of one disk, named by target (`vda`) or source path. */
  domainBlockStats?(dom: DomainRef, disk: string): Promise<DomainBlockStats>;
  /** Replaces a device's changeable parts (DomainDeviceModifyFlags). */
  domainUpdateDevice?(dom: DomainRef, xml: string, flags: number): Promise<void>;
  /** Counters of one interface, named by host-side name or MAC address. */
  domainInterfaceStats?(dom: DomainRef, device: string): Promise<DomainInterfaceStats>;
  /** Sizes of one disk, named by target or source path. */
  domainGetBlockInfo?(dom: DomainRef, disk: string, flags: number): Promise<DomainBlockInfo>;

  /** Memory in KiB: the current allocation, or the maximum with DomainMemoryModFlags.MAXIMUM. */
  domainSetMemoryFlags?(dom: DomainRef, kib: number, flags: number): Promise<void>;
  /** Vcpu count (DomainVcpuFlags: live, config, maximum, guest). */
  domainSetVcpusFlags?(dom: DomainRef, count: number, flags: number): Promise<void>;
  domainGetVcpusFlags?(dom: DomainRef, flags: number): Promise<number>;
  /** Online vcpus of a running domain with the host CPUs each may use. */
  domainGetVcpus?(dom: DomainRef): Promise<DomainVcpus>;
  /** Host CPUs each vcpu may use, one map per vcpu up to the maximum (DomainModificationImpact). */
  domainGetVcpuPinInfo?(dom: DomainRef, flags: number): Promise<boolean[][]>;
  /** Restricts one vcpu to the host CPUs set in `cpumap` (DomainModificationImpact). */
  domainPinVcpuFlags?(dom: DomainRef, vcpu: number, cpumap: readonly boolean[], flags: number): Promise<void>;
  /** The older call without flags (virDomainPinVcpu): each driver says what it affects (QEMU: live, test: current). */
  domainPinVcpu?(dom: DomainRef, vcpu: number, cpumap: readonly boolean[]): Promise<void>;
  nodeGetCPUMap?(flags: number): Promise<NodeCPUMap>;
  /** Passes a QMP command (or an HMP one with DomainQemuMonitorCommandFlags.HMP) through; returns QEMU's reply text. */
  qemuMonitorCommand?(dom: DomainRef, cmd: string, flags: number): Promise<string>;
  /** The QEMU driver's shared-disk table: each tracked device and the active domains holding it. */
  connectListSharedDisks?(): Promise<SharedDiskEntry[]>;
}

/** One virNodeCPUStats or virNodeMemoryStats entry. */
export interface NodeStat {
  readonly field: string;
  readonly value: bigint;
}

/** virDomainBlockStatsStruct: counters of one disk (-1 where the hypervisor does not say). */
export interface DomainBlockStats {
  readonly rdReq: number;
  readonly rdBytes: number;
  readonly wrReq: number;
  readonly wrBytes: number;
  readonly errs: number;
}

/** One device of the shared-disk table. */
export interface SharedDiskEntry {
  /** `major:minor` of the device. */
  readonly key: string;
  readonly path: string;
  /** unpriv_sgio in effect: `filtered`, `unfiltered`, or `n/a` where the kernel has no such knob. */
  readonly sgio: 'filtered' | 'unfiltered' | 'n/a';
  /** Names of the active domains using the device. */
  readonly domains: readonly string[];
}
