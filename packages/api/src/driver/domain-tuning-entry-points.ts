import type { DomainRef } from './driver-types.js';
import type { TypedParameter } from '../typed-params.js';

/** virDomainGetCPUStats' answer: the host CPU count and, per CPU asked for, its counters (empty when that CPU is not in the map). */
export interface DomainCPUStats {
  readonly cpus: number;
  readonly stats: readonly (readonly TypedParameter[])[];
}

/** virDomainMemoryStatStruct: one memory counter (DomainMemoryStatTag) and its value. */
export interface DomainMemoryStat {
  readonly tag: number;
  readonly val: bigint;
}

/** virDomainGetTime: the guest's clock. */
export interface DomainTime {
  readonly seconds: bigint;
  readonly nseconds: number;
}

/** virDomainControlInfo: the state of the control interface (DomainControlState) and since when, in ms. */
export interface DomainControlInfo {
  readonly state: number;
  readonly details: number;
  readonly stateTime: bigint;
}

/** virDomainDiskError: a disk and its DomainDiskErrorCode. */
export interface DomainDiskError {
  readonly disk: string;
  readonly error: number;
}

/** virDomainIOThreadInfo: an IOThread and the host CPUs it may run on. */
export interface DomainIOThreadInfo {
  readonly iothreadId: number;
  readonly cpumap: readonly boolean[];
}

/** One record of virConnectGetAllDomainStats: a domain and its statistics. */
export interface DomainStatsRecord {
  readonly dom: DomainRef;
  readonly params: readonly TypedParameter[];
}

/**
 * Entry points for a domain's tuning, statistics and guest facts (libvirt's typed-parameter APIs
 * and their kin). Part of HypervisorDriver; every member is optional.
 */
export interface DomainTuningEntryPoints {
  /** Total (startCpu -1, ncpus 1) or per-CPU usage; ncpus 0 asks for the CPU count only. */
  domainGetCPUStats?(dom: DomainRef, startCpu: number, ncpus: number, flags: number): Promise<DomainCPUStats>;
  /** The scheduler's name and how many parameters it has. */
  domainGetSchedulerType?(dom: DomainRef): Promise<{ type: string; nparams: number }>;
  domainGetSchedulerParameters?(dom: DomainRef, flags: number): Promise<TypedParameter[]>;
  domainSetSchedulerParameters?(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** How many memory parameters there are (virDomainGetMemoryParameters with no room for any). */
  domainGetMemoryParameterCount?(dom: DomainRef, flags: number): Promise<number>;
  domainGetMemoryParameters?(dom: DomainRef, flags: number): Promise<TypedParameter[]>;
  domainSetMemoryParameters?(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** How many blkio parameters there are (virDomainGetBlkioParameters with no room for any): checks less than the full call. */
  domainGetBlkioParameterCount?(dom: DomainRef, flags: number): Promise<number>;
  domainGetBlkioParameters?(dom: DomainRef, flags: number): Promise<TypedParameter[]>;
  domainSetBlkioParameters?(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** How many NUMA parameters there are (virDomainGetNumaParameters with no room for any). */
  domainGetNumaParameterCount?(dom: DomainRef, flags: number): Promise<number>;
  domainGetNumaParameters?(dom: DomainRef, flags: number): Promise<TypedParameter[]>;
  domainSetNumaParameters?(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void>;
  domainGetPerfEvents?(dom: DomainRef, flags: number): Promise<TypedParameter[]>;
  domainSetPerfEvents?(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** Up to `nrStats` memory counters. */
  domainMemoryStats?(dom: DomainRef, nrStats: number, flags: number): Promise<DomainMemoryStat[]>;
  /** How often the balloon refreshes its counters, in seconds (DomainModificationImpact). */
  domainSetMemoryStatsPeriod?(dom: DomainRef, period: number, flags: number): Promise<void>;
  domainGetTime?(dom: DomainRef, flags: number): Promise<DomainTime>;
  /** Sets the guest clock, or with DomainSetTimeFlags.SYNC resynchronises it from its RTC. */
  domainSetTime?(dom: DomainRef, time: DomainTime, flags: number): Promise<void>;
  domainGetHostname?(dom: DomainRef, flags: number): Promise<string>;
  domainGetControlInfo?(dom: DomainRef, flags: number): Promise<DomainControlInfo>;
  domainGetDiskErrors?(dom: DomainRef, flags: number): Promise<DomainDiskError[]>;
  /** Statistics (DomainStatsTypes) of `doms`, or of every domain ConnectGetAllDomainStatsFlags' filters match. */
  connectGetAllDomainStats?(doms: readonly DomainRef[] | undefined, stats: number, flags: number): Promise<DomainStatsRecord[]>;
  domainGetIOThreadInfo?(dom: DomainRef, flags: number): Promise<DomainIOThreadInfo[]>;
  domainAddIOThread?(dom: DomainRef, iothreadId: number, flags: number): Promise<void>;
  domainDelIOThread?(dom: DomainRef, iothreadId: number, flags: number): Promise<void>;
  domainPinIOThread?(dom: DomainRef, iothreadId: number, cpumap: readonly boolean[], flags: number): Promise<void>;
  domainSetIOThreadParams?(dom: DomainRef, iothreadId: number, params: readonly TypedParameter[], flags: number): Promise<void>;
}
