import { resolve } from 'node:path';
import type { Duplex } from 'node:stream';
import type { LxcNamespaces } from '../driver/console-entry-points.js';
import { ErrorCode, VirError } from '@tsvirt/util';
import type { DomainInfo, DomainRef, SecurityLabel } from '../driver/driver-types.js';
import type { DomainBlockStats, HypervisorDriver } from '../driver/hypervisor-driver.js';
import type { DomainBlockInfo, DomainInterfaceStats, DomainVcpus } from '../driver/domain-resource-types.js';
import { DomainDeviceModifyFlags, DomainMemoryModFlags, DomainVcpuFlags, DomainXMLFlags } from '../flags.js';
import { checkNonNegative, checkNonZero, checkRequiredFlag } from './arg-checks.js';
import { callerFor } from './entry-point.js';
import { DomainSnapshot } from './domain-snapshot.js';
import { DomainCheckpoint } from './domain-checkpoint.js';
import { DomainCheckpointCreateFlags as CC } from '../domain-state-flags.js';
import { checkGetMetadataArgs, checkSaveFlags, checkSetMetadataArgs, checkSnapshotCreateFlags } from './domain-state-args.js';
import { checkNonEmptyString } from './arg-checks.js';
import type {
  DomainCPUStats, DomainControlInfo, DomainDiskError, DomainIOThreadInfo, DomainMemoryStat, DomainTime,
} from '../driver/domain-tuning-entry-points.js';
import { TypedParameterFlags, type TypedParameter } from '../typed-params.js';
import { DomainMemoryStatTag } from '../domain-tuning-flags.js';
import type { DomainGuestVcpus, DomainJobInfo, DomainJobStats } from '../driver/domain-job-entry-points.js';
import { checkCPUStatsRange, checkTypedParams } from './typed-param-checks.js';

/** What a Domain needs of its connection. */
export interface DomainOwner {
  readonly hypervisor: HypervisorDriver | undefined;
  readonly readonly: boolean;
}

/** A domain handle (libvirt's virDomainPtr): name, UUID and the id it had when looked up. */
export class Domain {
  #ref: DomainRef;

  constructor(readonly conn: DomainOwner, ref: DomainRef) {
    this.#ref = ref;
  }

  get ref(): DomainRef {
    return this.#ref;
  }

  private readonly call = callerFor(() => this.conn.hypervisor, () => this.conn.readonly);

  getName(): string {
    return this.#ref.name;
  }
  /** The id, or -1 for an inactive domain. */
  getID(): number {
    return this.#ref.id;
  }
  getUUIDString(): string {
    return this.#ref.uuid;
  }

  /** Starts a defined domain (virDomainCreateWithFlags). */
  async create(flags = 0): Promise<void> {
    this.#ref = await this.call('domainCreate', 'virDomainCreateWithFlags', true)(this.#ref, flags);
  }
  async destroy(flags = 0): Promise<void> {
    await this.call('domainDestroy', flags ? 'virDomainDestroyFlags' : 'virDomainDestroy', true)(this.#ref, flags);
    this.#ref = { ...this.#ref, id: -1 };
  }
  async shutdown(flags = 0): Promise<void> {
    await this.call('domainShutdown', flags ? 'virDomainShutdownFlags' : 'virDomainShutdown', true)(this.#ref, flags);
  }
  async reboot(flags = 0): Promise<void> {
    await this.call('domainReboot', 'virDomainReboot', true)(this.#ref, flags);
  }
  async reset(flags = 0): Promise<void> {
    await this.call('domainReset', 'virDomainReset', true)(this.#ref, flags);
  }
  async suspend(): Promise<void> {
    await this.call('domainSuspend', 'virDomainSuspend', true)(this.#ref);
  }
  async resume(): Promise<void> {
    await this.call('domainResume', 'virDomainResume', true)(this.#ref);
  }
  async undefine(flags = 0): Promise<void> {
    await this.call('domainUndefine', flags ? 'virDomainUndefineFlags' : 'virDomainUndefine', true)(this.#ref, flags);
  }

  /** The domain's XML; DomainXMLFlags.SECURE is refused on a read-only connection, as in libvirt. */
  async getXMLDesc(flags = 0): Promise<string> {
    if (flags & DomainXMLFlags.SECURE && this.conn.readonly) {
      throw new VirError(ErrorCode.OPERATION_DENIED, 'virDomainGetXMLDesc with secure flag');
    }
    return this.call('domainGetXMLDesc', 'virDomainGetXMLDesc')(this.#ref, flags);
  }
  getInfo(): Promise<DomainInfo> {
    return this.call('domainGetInfo', 'virDomainGetInfo')(this.#ref);
  }
  /** `[state, reason]`, as libvirt's bindings return it. */
  async getState(flags = 0): Promise<[state: number, reason: number]> {
    const { state, reason } = await this.call('domainGetState', 'virDomainGetState')(this.#ref, flags);
    return [state, reason];
  }
  getOSType(): Promise<string> {
    return this.call('domainGetOSType', 'virDomainGetOSType')(this.#ref);
  }
  isActive(): Promise<boolean> {
    return this.call('domainIsActive', 'virDomainIsActive')(this.#ref);
  }
  isPersistent(): Promise<boolean> {
    return this.call('domainIsPersistent', 'virDomainIsPersistent')(this.#ref);
  }
  getAutostart(): Promise<boolean> {
    return this.call('domainGetAutostart', 'virDomainGetAutostart')(this.#ref);
  }
  async setAutostart(autostart: boolean): Promise<void> {
    await this.call('domainSetAutostart', 'virDomainSetAutostart', true)(this.#ref, autostart);
  }
  hasManagedSaveImage(flags = 0): Promise<boolean> {
    return this.call('domainHasManagedSaveImage', 'virDomainHasManagedSaveImage')(this.#ref, flags);
  }
  getSecurityLabel(): Promise<SecurityLabel> {
    return this.call('domainGetSecurityLabel', 'virDomainGetSecurityLabel')(this.#ref);
  }

  /** Adds a device (virDomainAttachDeviceFlags; DomainDeviceModifyFlags). */
  async attachDeviceFlags(xml: string, flags = 0): Promise<void> {
    await this.call('domainAttachDevice', 'virDomainAttachDeviceFlags', true)(this.#ref, xml, flags);
  }
  /** Adds a device to the running domain (virDomainAttachDevice, which libvirt's drivers treat as LIVE). */
  async attachDevice(xml: string): Promise<void> {
    await this.call('domainAttachDevice', 'virDomainAttachDevice', true)(this.#ref, xml, DomainDeviceModifyFlags.LIVE);
  }
  /** Removes a device (virDomainDetachDeviceFlags; DomainDeviceModifyFlags). */
  async detachDeviceFlags(xml: string, flags = 0): Promise<void> {
    await this.call('domainDetachDevice', 'virDomainDetachDeviceFlags', true)(this.#ref, xml, flags);
  }
  /** Removes a device from the running domain (virDomainDetachDevice, LIVE). */
  async detachDevice(xml: string): Promise<void> {
    await this.call('domainDetachDevice', 'virDomainDetachDevice', true)(this.#ref, xml, DomainDeviceModifyFlags.LIVE);
  }
  /** I/O counters of one disk, by target or source path (virDomainBlockStats). */
  blockStats(disk: string): Promise<DomainBlockStats> {
    return this.call('domainBlockStats', 'virDomainBlockStats')(this.#ref, disk);
  }
  /** Changes a device in place (virDomainUpdateDeviceFlags; DomainDeviceModifyFlags). */
  async updateDeviceFlags(xml: string, flags = 0): Promise<void> {
    await this.call('domainUpdateDevice', 'virDomainUpdateDeviceFlags', true)(this.#ref, xml, flags);
  }
  /** Counters of one interface, by host-side name or MAC (virDomainInterfaceStats). */
  interfaceStats(device: string): Promise<DomainInterfaceStats> {
    return this.call('domainInterfaceStats', 'virDomainInterfaceStats')(this.#ref, device);
  }
  /** Capacity, allocation and physical size of one disk in bytes (virDomainGetBlockInfo). */
  blockInfo(disk: string, flags = 0): Promise<DomainBlockInfo> {
    return this.call('domainGetBlockInfo', 'virDomainGetBlockInfo')(this.#ref, disk, flags);
  }

  /** Memory in KiB (virDomainSetMemoryFlags; DomainMemoryModFlags, MAXIMUM for the limit). */
  async setMemoryFlags(kib: number, flags = 0): Promise<void> {
    checkNonZero(kib, 'memory', 'virDomainSetMemoryFlags');
    await this.call('domainSetMemoryFlags', 'virDomainSetMemoryFlags', true)(this.#ref, kib, flags);
  }
  /** The running domain's memory in KiB (virDomainSetMemory). */
  async setMemory(kib: number): Promise<void> {
    checkNonZero(kib, 'memory', 'virDomainSetMemory');
    await this.call('domainSetMemoryFlags', 'virDomainSetMemory', true)(this.#ref, kib, DomainMemoryModFlags.LIVE);
  }
  /** The memory limit in KiB (virDomainSetMaxMemory). */
  async setMaxMemory(kib: number): Promise<void> {
    checkNonZero(kib, 'memory', 'virDomainSetMaxMemory');
    await this.call('domainSetMemoryFlags', 'virDomainSetMaxMemory', true)(this.#ref, kib, DomainMemoryModFlags.MAXIMUM);
  }
  /** Vcpu count (virDomainSetVcpusFlags; DomainVcpuFlags). */
  async setVcpusFlags(count: number, flags = 0): Promise<void> {
    checkNonZero(count, 'nvcpus', 'virDomainSetVcpusFlags');
    checkRequiredFlag(flags, DomainVcpuFlags.MAXIMUM, 'VIR_DOMAIN_VCPU_MAXIMUM', DomainVcpuFlags.CONFIG, 'VIR_DOMAIN_AFFECT_CONFIG');
    await this.call('domainSetVcpusFlags', 'virDomainSetVcpusFlags', true)(this.#ref, count, flags);
  }
  /** The running domain's vcpu count (virDomainSetVcpus). */
  async setVcpus(count: number): Promise<void> {
    checkNonZero(count, 'nvcpus', 'virDomainSetVcpus');
    await this.call('domainSetVcpusFlags', 'virDomainSetVcpus', true)(this.#ref, count, DomainVcpuFlags.LIVE);
  }
  /** Current or (DomainVcpuFlags.MAXIMUM) maximum vcpu count (virDomainGetVcpusFlags). */
  vcpusFlags(flags = 0): Promise<number> {
    return this.call('domainGetVcpusFlags', 'virDomainGetVcpusFlags')(this.#ref, flags);
  }
  /** Online vcpus of a running domain and their host CPU maps (virDomainGetVcpus). */
  vcpus(): Promise<DomainVcpus> {
    return this.call('domainGetVcpus', 'virDomainGetVcpus')(this.#ref);
  }
  /** One host CPU map per vcpu (virDomainGetVcpuPinInfo; DomainModificationImpact). */
  vcpuPinInfo(flags = 0): Promise<boolean[][]> {
    return this.call('domainGetVcpuPinInfo', 'virDomainGetVcpuPinInfo')(this.#ref, flags);
  }
  /** Pins a vcpu to host CPUs (virDomainPinVcpuFlags; DomainModificationImpact). */
  async pinVcpuFlags(vcpu: number, cpumap: readonly boolean[], flags = 0): Promise<void> {
    await this.call('domainPinVcpuFlags', 'virDomainPinVcpuFlags', true)(this.#ref, vcpu, cpumap, flags);
  }
  /** Pins a vcpu of the running domain (virDomainPinVcpu). */
  async pinVcpu(vcpu: number, cpumap: readonly boolean[]): Promise<void> {
    await this.call('domainPinVcpuFlags', 'virDomainPinVcpu', true)(this.#ref, vcpu, cpumap, 0);
  }
  /** QEMU monitor passthrough (virDomainQemuMonitorCommand): QEMU's reply as text. */
  qemuMonitorCommand(cmd: string, flags = 0): Promise<string> {
    return this.call('qemuMonitorCommand', 'virDomainQemuMonitorCommand', true)(this.#ref, cmd, flags);
  }
  /** A byte stream to a console (virDomainOpenConsole; the first console when `devName` is undefined; DomainConsoleFlags). */
  openConsole(devName?: string, flags = 0): Promise<Duplex> {
    return this.call('domainOpenConsole', 'virDomainOpenConsole', true)(this.#ref, devName, flags);
  }
  /** The namespaces of a container's init (virDomainLxcOpenNamespace). */
  lxcOpenNamespace(flags = 0): Promise<LxcNamespaces> {
    return this.call('domainLxcOpenNamespace', 'virDomainLxcOpenNamespace', true)(this.#ref, flags);
  }

  // Tuning, statistics and guest facts (driver/domain-tuning-entry-points.ts).

  /** Total (startCpu -1, ncpus 1) or per-CPU usage; ncpus 0 gives the CPU count only (virDomainGetCPUStats). */
  getCPUStats(startCpu: number, ncpus: number, flags = 0): Promise<DomainCPUStats> {
    const call = this.call('domainGetCPUStats', 'virDomainGetCPUStats');
    checkCPUStatsRange(startCpu, ncpus);
    return call(this.#ref, startCpu, ncpus, flags | TypedParameterFlags.STRING_OKAY);
  }
  /** The scheduler's name and its parameter count (virDomainGetSchedulerType). */
  schedulerType(): Promise<{ type: string; nparams: number }> {
    return this.call('domainGetSchedulerType', 'virDomainGetSchedulerType')(this.#ref);
  }
  /** virDomainGetSchedulerParameters, or with flags (DomainModificationImpact) ...Flags, which also accepts STRING parameters. */
  schedulerParameters(flags?: number): Promise<TypedParameter[]> {
    const api = flags === undefined ? 'virDomainGetSchedulerParameters' : 'virDomainGetSchedulerParametersFlags';
    return this.call('domainGetSchedulerParameters', api)(this.#ref, flags === undefined ? 0 : flags | TypedParameterFlags.STRING_OKAY);
  }
  /** virDomainSetSchedulerParameters, or with flags (DomainModificationImpact) virDomainSetSchedulerParametersFlags. */
  async setSchedulerParameters(params: readonly TypedParameter[], flags?: number): Promise<void> {
    const api = flags === undefined ? 'virDomainSetSchedulerParameters' : 'virDomainSetSchedulerParametersFlags';
    await this.call('domainSetSchedulerParameters', api, true)(this.#ref, checkTypedParams(params), flags ?? 0);
  }
  /** The number of memory parameters (virDomainGetMemoryParameters asked for the count only). */
  memoryParameterCount(flags = 0): Promise<number> {
    return this.call('domainGetMemoryParameterCount', 'virDomainGetMemoryParameters')(this.#ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  /** Memory limits in KiB (virDomainGetMemoryParameters; DomainModificationImpact); 2^53-1 means unlimited. */
  memoryParameters(flags = 0): Promise<TypedParameter[]> {
    return this.call('domainGetMemoryParameters', 'virDomainGetMemoryParameters')(this.#ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setMemoryParameters(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await this.call('domainSetMemoryParameters', 'virDomainSetMemoryParameters', true)(this.#ref, checkTypedParams(params), flags);
  }
  /** The number of blkio parameters (virDomainGetBlkioParameters asked for the count only). */
  blkioParameterCount(flags = 0): Promise<number> {
    return this.call('domainGetBlkioParameterCount', 'virDomainGetBlkioParameters')(this.#ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  blkioParameters(flags = 0): Promise<TypedParameter[]> {
    return this.call('domainGetBlkioParameters', 'virDomainGetBlkioParameters')(this.#ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setBlkioParameters(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await this.call('domainSetBlkioParameters', 'virDomainSetBlkioParameters', true)(this.#ref, checkTypedParams(params), flags);
  }
  /** The number of NUMA parameters (virDomainGetNumaParameters asked for the count only). */
  numaParameterCount(flags = 0): Promise<number> {
    return this.call('domainGetNumaParameterCount', 'virDomainGetNumaParameters')(this.#ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  numaParameters(flags = 0): Promise<TypedParameter[]> {
    return this.call('domainGetNumaParameters', 'virDomainGetNumaParameters')(this.#ref, flags | TypedParameterFlags.STRING_OKAY);
  }
  async setNumaParameters(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await this.call('domainSetNumaParameters', 'virDomainSetNumaParameters', true)(this.#ref, checkTypedParams(params), flags);
  }
  perfEvents(flags = 0): Promise<TypedParameter[]> {
    return this.call('domainGetPerfEvents', 'virDomainGetPerfEvents')(this.#ref, flags);
  }
  async setPerfEvents(params: readonly TypedParameter[], flags = 0): Promise<void> {
    await this.call('domainSetPerfEvents', 'virDomainSetPerfEvents', true)(this.#ref, checkTypedParams(params), flags);
  }
  /** Up to `nrStats` memory counters (virDomainMemoryStats; DomainMemoryStatTag). */
  memoryStats(nrStats: number = DomainMemoryStatTag.NR, flags = 0): Promise<DomainMemoryStat[]> {
    return this.call('domainMemoryStats', 'virDomainMemoryStats')(this.#ref, nrStats, flags);
  }
  async setMemoryStatsPeriod(period: number, flags = 0): Promise<void> {
    const call = this.call('domainSetMemoryStatsPeriod', 'virDomainSetMemoryStatsPeriod', true);
    checkNonNegative(period, 'period', 'virDomainSetMemoryStatsPeriod');
    await call(this.#ref, period, flags);
  }
  /** The guest clock (virDomainGetTime; needs a read-write connection, as it asks the guest). */
  getTime(flags = 0): Promise<DomainTime> {
    return this.call('domainGetTime', 'virDomainGetTime', true)(this.#ref, flags);
  }
  /** Sets the guest clock (virDomainSetTime; DomainSetTimeFlags.SYNC takes it from the guest's RTC instead). */
  async setTime(time: DomainTime, flags = 0): Promise<void> {
    await this.call('domainSetTime', 'virDomainSetTime', true)(this.#ref, time, flags);
  }
  /** The guest's hostname (virDomainGetHostname; DomainGetHostnameFlags; needs a read-write connection). */
  getHostname(flags = 0): Promise<string> {
    return this.call('domainGetHostname', 'virDomainGetHostname', true)(this.#ref, flags);
  }
  controlInfo(flags = 0): Promise<DomainControlInfo> {
    return this.call('domainGetControlInfo', 'virDomainGetControlInfo')(this.#ref, flags);
  }
  /** Disks that hit an I/O error (virDomainGetDiskErrors; DomainDiskErrorCode). */
  diskErrors(flags = 0): Promise<DomainDiskError[]> {
    return this.call('domainGetDiskErrors', 'virDomainGetDiskErrors')(this.#ref, flags);
  }
  /** IOThreads and their host CPU maps (virDomainGetIOThreadInfo; DomainModificationImpact). */
  ioThreadInfo(flags = 0): Promise<DomainIOThreadInfo[]> {
    return this.call('domainGetIOThreadInfo', 'virDomainGetIOThreadInfo')(this.#ref, flags);
  }
  async addIOThread(iothreadId: number, flags = 0): Promise<void> {
    await this.call('domainAddIOThread', 'virDomainAddIOThread', true)(this.#ref, iothreadId, flags);
  }
  async delIOThread(iothreadId: number, flags = 0): Promise<void> {
    const call = this.call('domainDelIOThread', 'virDomainDelIOThread', true);
    checkNonZero(iothreadId, 'iothread_id', 'virDomainDelIOThread');
    await call(this.#ref, iothreadId, flags);
  }
  async pinIOThread(iothreadId: number, cpumap: readonly boolean[], flags = 0): Promise<void> {
    await this.call('domainPinIOThread', 'virDomainPinIOThread', true)(this.#ref, iothreadId, cpumap, flags);
  }
  async setIOThreadParams(iothreadId: number, params: readonly TypedParameter[], flags = 0): Promise<void> {
    await this.call('domainSetIOThreadParams', 'virDomainSetIOThreadParams', true)(this.#ref, iothreadId, checkTypedParams(params), flags);
  }

  // Jobs, migration tunables, the guest agent and power management (driver/domain-job-entry-points.ts).

  getJobInfo(): Promise<DomainJobInfo> {
    return this.call('domainGetJobInfo', 'virDomainGetJobInfo')(this.#ref);
  }
  /** The current or (DomainGetJobStatsFlags.COMPLETED) last job's statistics (virDomainGetJobStats). */
  getJobStats(flags = 0): Promise<DomainJobStats> {
    return this.call('domainGetJobStats', 'virDomainGetJobStats')(this.#ref, flags);
  }
  /** virDomainAbortJob, or with flags (DomainAbortJobFlags) virDomainAbortJobFlags. */
  async abortJob(flags = 0): Promise<void> {
    await this.call('domainAbortJob', flags ? 'virDomainAbortJobFlags' : 'virDomainAbortJob', true)(this.#ref, flags);
  }
  migrateGetMaxDowntime(flags = 0): Promise<bigint> {
    return this.call('domainMigrateGetMaxDowntime', 'virDomainMigrateGetMaxDowntime')(this.#ref, flags);
  }
  async migrateSetMaxDowntime(downtime: bigint, flags = 0): Promise<void> {
    await this.call('domainMigrateSetMaxDowntime', 'virDomainMigrateSetMaxDowntime', true)(this.#ref, downtime, flags);
  }
  migrateGetCompressionCache(flags = 0): Promise<bigint> {
    return this.call('domainMigrateGetCompressionCache', 'virDomainMigrateGetCompressionCache')(this.#ref, flags);
  }
  async migrateSetCompressionCache(size: bigint, flags = 0): Promise<void> {
    await this.call('domainMigrateSetCompressionCache', 'virDomainMigrateSetCompressionCache', true)(this.#ref, size, flags);
  }
  /** Bandwidth in MiB/s (virDomainMigrateGetMaxSpeed; DomainMigrateMaxSpeedFlags); needs a read-write connection. */
  migrateGetMaxSpeed(flags = 0): Promise<bigint> {
    return this.call('domainMigrateGetMaxSpeed', 'virDomainMigrateGetMaxSpeed', true)(this.#ref, flags);
  }
  async migrateSetMaxSpeed(bandwidth: bigint, flags = 0): Promise<void> {
    await this.call('domainMigrateSetMaxSpeed', 'virDomainMigrateSetMaxSpeed', true)(this.#ref, bandwidth, flags);
  }
  async migrateStartPostCopy(flags = 0): Promise<void> {
    await this.call('domainMigrateStartPostCopy', 'virDomainMigrateStartPostCopy', true)(this.#ref, flags);
  }
  /** The guest's view of its vcpus, through the agent (virDomainGetGuestVcpus). */
  getGuestVcpus(flags = 0): Promise<DomainGuestVcpus> {
    return this.call('domainGetGuestVcpus', 'virDomainGetGuestVcpus', true)(this.#ref, flags);
  }
  async setGuestVcpus(cpumap: string, state: boolean, flags = 0): Promise<void> {
    await this.call('domainSetGuestVcpus', 'virDomainSetGuestVcpus', true)(this.#ref, cpumap, state, flags);
  }
  /** What the guest agent reports (virDomainGetGuestInfo; DomainGuestInfoTypes, 0 for all). */
  getGuestInfo(types = 0, flags = 0): Promise<TypedParameter[]> {
    return this.call('domainGetGuestInfo', 'virDomainGetGuestInfo', true)(this.#ref, types, flags);
  }
  async startDirtyRateCalc(seconds: number, flags = 0): Promise<void> {
    await this.call('domainStartDirtyRateCalc', 'virDomainStartDirtyRateCalc', true)(this.#ref, seconds, flags);
  }
  /** Seconds to wait for the agent, or DomainAgentResponseTimeout (virDomainAgentSetResponseTimeout). */
  async agentSetResponseTimeout(timeout: number, flags = 0): Promise<void> {
    await this.call('domainAgentSetResponseTimeout', 'virDomainAgentSetResponseTimeout', true)(this.#ref, timeout, flags);
  }
  async pmWakeup(flags = 0): Promise<void> {
    await this.call('domainPMWakeup', 'virDomainPMWakeup', true)(this.#ref, flags);
  }
  /** Suspends the guest to NodeSuspendTarget for `duration` seconds (virDomainPMSuspendForDuration). */
  async pmSuspendForDuration(target: number, duration: bigint, flags = 0): Promise<void> {
    await this.call('domainPMSuspendForDuration', 'virDomainPMSuspendForDuration', true)(this.#ref, target, duration, flags);
  }

  // Saved state, managed save, renaming, metadata and snapshots (driver/domain-state-entry-points.ts).

  /** Saves the domain's memory to `path` and stops it (virDomainSaveFlags; DomainSaveRestoreFlags). */
  async save(path: string, dxml?: string, flags = 0): Promise<void> {
    const call = this.call('domainSave', dxml !== undefined || flags ? 'virDomainSaveFlags' : 'virDomainSave', true);
    checkSaveFlags(flags);
    // libvirt's client library hands the driver an absolute path.
    await call(this.#ref, resolve(path), dxml, flags);
    this.#ref = { ...this.#ref, id: -1 };
  }
  /** Saves the domain to a file its next start resumes from (virDomainManagedSave). */
  async managedSave(flags = 0): Promise<void> {
    const call = this.call('domainManagedSave', 'virDomainManagedSave', true);
    checkSaveFlags(flags);
    await call(this.#ref, flags);
    this.#ref = { ...this.#ref, id: -1 };
  }
  async managedSaveRemove(flags = 0): Promise<void> {
    await this.call('domainManagedSaveRemove', 'virDomainManagedSaveRemove', true)(this.#ref, flags);
  }
  managedSaveGetXMLDesc(flags = 0): Promise<string> {
    return this.call('domainManagedSaveGetXMLDesc', 'virDomainManagedSaveGetXMLDesc')(this.#ref, flags);
  }
  async managedSaveDefineXML(dxml: string, flags = 0): Promise<void> {
    const call = this.call('domainManagedSaveDefineXML', 'virDomainManagedSaveDefineXML', true);
    checkSaveFlags(flags);
    await call(this.#ref, dxml, flags);
  }
  /** Why the domain is tainted and what of its configuration is deprecated (virDomainGetMessages; DomainMessageType). */
  getMessages(flags = 0): Promise<string[]> {
    return this.call('domainGetMessages', 'virDomainGetMessages')(this.#ref, flags);
  }
  /** Renames an inactive domain (virDomainRename); the handle takes the new name. */
  async rename(newName: string, flags = 0): Promise<void> {
    const call = this.call('domainRename', 'virDomainRename', true);
    checkNonEmptyString(newName, 'new_name', 'virDomainRename');
    this.#ref = await call(this.#ref, newName, flags);
  }
  /** Sets or (metadata undefined) removes a description, title or namespaced element (virDomainSetMetadata). */
  async setMetadata(type: number, metadata: string | undefined, key: string | undefined, uri: string | undefined, flags = 0): Promise<void> {
    const call = this.call('domainSetMetadata', 'virDomainSetMetadata', true);
    checkSetMetadataArgs(type, metadata, key, uri);
    await call(this.#ref, type, metadata, key, uri, flags);
  }
  /** The description, title or the element in namespace `uri` (virDomainGetMetadata; DomainMetadataType). */
  metadata(type: number, uri: string | undefined, flags = 0): Promise<string> {
    const call = this.call('domainGetMetadata', 'virDomainGetMetadata');
    checkGetMetadataArgs(type, uri, flags);
    return call(this.#ref, type, uri, flags);
  }

  /** Creates a snapshot from `<domainsnapshot>` XML (virDomainSnapshotCreateXML; DomainSnapshotCreateFlags). */
  async snapshotCreateXML(xml: string, flags = 0): Promise<DomainSnapshot> {
    const call = this.call('domainSnapshotCreateXML', 'virDomainSnapshotCreateXML', true);
    checkSnapshotCreateFlags(flags);
    return new DomainSnapshot(this, (await call(this.#ref, xml, flags)).name);
  }
  /** Snapshots matching DomainSnapshotListFlags (virDomainListAllSnapshots). */
  async listAllSnapshots(flags = 0): Promise<DomainSnapshot[]> {
    const names = await this.call('domainListAllSnapshots', 'virDomainListAllSnapshots')(this.#ref, flags);
    return names.map((n) => new DomainSnapshot(this, n));
  }
  snapshotListNames(flags = 0): Promise<string[]> {
    return this.call('domainListAllSnapshots', 'virDomainSnapshotListNames')(this.#ref, flags);
  }
  async snapshotNum(flags = 0): Promise<number> {
    return (await this.call('domainListAllSnapshots', 'virDomainSnapshotNum')(this.#ref, flags)).length;
  }
  async snapshotLookupByName(name: string, flags = 0): Promise<DomainSnapshot> {
    const ref = await this.call('domainSnapshotLookupByName', 'virDomainSnapshotLookupByName')(this.#ref, name, flags);
    return new DomainSnapshot(this, ref.name);
  }
  hasCurrentSnapshot(flags = 0): Promise<boolean> {
    return this.call('domainHasCurrentSnapshot', 'virDomainHasCurrentSnapshot')(this.#ref, flags);
  }
  async snapshotCurrent(flags = 0): Promise<DomainSnapshot> {
    const ref = await this.call('domainSnapshotCurrent', 'virDomainSnapshotCurrent')(this.#ref, flags);
    return new DomainSnapshot(this, ref.name);
  }
  /** virDomainRevertToSnapshot, as the bindings spell it on the domain. */
  revertToSnapshot(snap: DomainSnapshot, flags = 0): Promise<void> {
    return snap.revert(flags);
  }
  /** Creates a checkpoint from `<domaincheckpoint>` XML (virDomainCheckpointCreateXML; DomainCheckpointCreateFlags). */
  async checkpointCreateXML(xml: string, flags = 0): Promise<DomainCheckpoint> {
    const call = this.call('domainCheckpointCreateXML', 'virDomainCheckpointCreateXML', true);
    checkRequiredFlag(flags, CC.REDEFINE_VALIDATE, 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE_VALIDATE', CC.REDEFINE, 'VIR_DOMAIN_CHECKPOINT_CREATE_REDEFINE');
    return new DomainCheckpoint(this, (await call(this.#ref, xml, flags)).name);
  }
  /** Checkpoints matching DomainCheckpointListFlags (virDomainListAllCheckpoints). */
  async listAllCheckpoints(flags = 0): Promise<DomainCheckpoint[]> {
    const names = await this.call('domainListAllCheckpoints', 'virDomainListAllCheckpoints')(this.#ref, flags);
    return names.map((n) => new DomainCheckpoint(this, n));
  }
  async checkpointLookupByName(name: string, flags = 0): Promise<DomainCheckpoint> {
    const ref = await this.call('domainCheckpointLookupByName', 'virDomainCheckpointLookupByName')(this.#ref, name, flags);
    return new DomainCheckpoint(this, ref.name);
  }
  /** Starts a backup job (DomainBackupBeginFlags); without `backupXML` a full push backup of every disk. */
  async backupBegin(backupXML?: string, checkpointXML?: string, flags = 0): Promise<void> {
    await this.call('domainBackupBegin', 'virDomainBackupBegin', true)(this.#ref, backupXML, checkpointXML, flags);
  }
  backupGetXMLDesc(flags = 0): Promise<string> {
    return this.call('domainBackupGetXMLDesc', 'virDomainBackupGetXMLDesc')(this.#ref, flags);
  }
}
