import type { DomainRef } from './driver-types.js';
import type { TypedParameter } from '../typed-params.js';

/** virDomainJobInfo: the domain's current job (DomainJobType) and its progress; times in ms, sizes in bytes. */
export interface DomainJobInfo {
  readonly type: number;
  readonly timeElapsed: bigint;
  readonly timeRemaining: bigint;
  readonly dataTotal: bigint;
  readonly dataProcessed: bigint;
  readonly dataRemaining: bigint;
  readonly memTotal: bigint;
  readonly memProcessed: bigint;
  readonly memRemaining: bigint;
  readonly fileTotal: bigint;
  readonly fileProcessed: bigint;
  readonly fileRemaining: bigint;
}

/** virDomainGetJobStats: the job type and its statistics. */
export interface DomainJobStats {
  readonly type: number;
  readonly params: readonly TypedParameter[];
}

/** virDomainGetGuestVcpus: `vcpus`, `online`, `offlinable` as cpu lists. */
export type DomainGuestVcpus = readonly TypedParameter[];

/**
 * Entry points for jobs, migration tunables, the guest agent and guest power management. Part of
 * HypervisorDriver; every member is optional.
 */
export interface DomainJobEntryPoints {
  domainGetJobInfo?(dom: DomainRef): Promise<DomainJobInfo>;
  /** DomainGetJobStatsFlags. */
  domainGetJobStats?(dom: DomainRef, flags: number): Promise<DomainJobStats>;
  /** DomainAbortJobFlags. */
  domainAbortJob?(dom: DomainRef, flags: number): Promise<void>;
  /** In ms. */
  domainMigrateGetMaxDowntime?(dom: DomainRef, flags: number): Promise<bigint>;
  domainMigrateSetMaxDowntime?(dom: DomainRef, downtime: bigint, flags: number): Promise<void>;
  /** In bytes. */
  domainMigrateGetCompressionCache?(dom: DomainRef, flags: number): Promise<bigint>;
  domainMigrateSetCompressionCache?(dom: DomainRef, size: bigint, flags: number): Promise<void>;
  /** In MiB/s (DomainMigrateMaxSpeedFlags). */
  domainMigrateGetMaxSpeed?(dom: DomainRef, flags: number): Promise<bigint>;
  domainMigrateSetMaxSpeed?(dom: DomainRef, bandwidth: bigint, flags: number): Promise<void>;
  domainMigrateStartPostCopy?(dom: DomainRef, flags: number): Promise<void>;
  domainGetGuestVcpus?(dom: DomainRef, flags: number): Promise<DomainGuestVcpus>;
  domainSetGuestVcpus?(dom: DomainRef, cpumap: string, state: boolean, flags: number): Promise<void>;
  /** What the guest agent reports (DomainGuestInfoTypes; 0 for all). */
  domainGetGuestInfo?(dom: DomainRef, types: number, flags: number): Promise<TypedParameter[]>;
  /** DomainDirtyRateCalcFlags. */
  domainStartDirtyRateCalc?(dom: DomainRef, seconds: number, flags: number): Promise<void>;
  /** Seconds, or DomainAgentResponseTimeoutValues. */
  domainAgentSetResponseTimeout?(dom: DomainRef, timeout: number, flags: number): Promise<void>;
  domainPMWakeup?(dom: DomainRef, flags: number): Promise<void>;
  /** NodeSuspendTarget, for `duration` seconds (0: until woken). */
  domainPMSuspendForDuration?(dom: DomainRef, target: number, duration: bigint, flags: number): Promise<void>;
}
