import type { TypedParameter } from '../typed-params.js';

/**
 * The host's memory, huge pages, power, CPU model and domain-capability entry points (part of
 * libvirt's virHypervisorDriver). Every member is optional; a missing one is NO_SUPPORT.
 */
export interface HostEntryPoints {
  /** Free memory of the whole host, in bytes. */
  nodeGetFreeMemory?(): Promise<bigint>;
  /** Free memory in bytes of up to `maxCells` NUMA cells from `startCell` on. */
  nodeGetCellsFreeMemory?(startCell: number, maxCells: number): Promise<bigint[]>;
  /**
   * Free huge pages of each size in `pages` (KiB) for `cellCount` cells from `startCell`: one count
   * per cell and page size, cell after cell.
   */
  nodeGetFreePages?(pages: readonly number[], startCell: number, cellCount: number, flags: number): Promise<bigint[]>;
  /** Sets or grows (NodeAllocPagesFlags) the page pools; answers how many pools changed. */
  nodeAllocPages?(pageSizes: readonly number[], pageCounts: readonly bigint[], startCell: number, cellCount: number, flags: number): Promise<number>;
  nodeGetMemoryParameters?(flags: number): Promise<TypedParameter[]>;
  nodeSetMemoryParameters?(params: readonly TypedParameter[], flags: number): Promise<void>;
  nodeGetSEVInfo?(flags: number): Promise<TypedParameter[]>;
  /** Suspends the host (NodeSuspendTarget) for `duration` seconds. */
  nodeSuspendForDuration?(target: number, duration: bigint, flags: number): Promise<void>;
  /** The most vcpus a guest of domain type `type` (or the default one) may have. */
  connectGetMaxVcpus?(type: string | undefined): Promise<number>;
  /** CPU model names the hypervisor knows for `arch`; empty when it accepts any. */
  connectGetCPUModelNames?(arch: string, flags: number): Promise<string[]>;
  connectGetDomainCapabilities?(emulatorbin: string | undefined, arch: string | undefined, machine: string | undefined,
    virttype: string | undefined, flags: number): Promise<string>;
  /** CPUCompareResult of the host CPU against `xml` (ConnectCompareCPUFlags). */
  connectCompareCPU?(xml: string, flags: number): Promise<number>;
  /** The `<cpu>` all of `xmlCPUs` can run as (ConnectBaselineCPUFlags). */
  connectBaselineCPU?(xmlCPUs: readonly string[], flags: number): Promise<string>;
  connectCompareHypervisorCPU?(emulator: string | undefined, arch: string | undefined, machine: string | undefined,
    virttype: string | undefined, xmlCPU: string, flags: number): Promise<number>;
  connectBaselineHypervisorCPU?(emulator: string | undefined, arch: string | undefined, machine: string | undefined,
    virttype: string | undefined, xmlCPUs: readonly string[], flags: number): Promise<string>;
}
