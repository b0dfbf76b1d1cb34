import type { DomainRef } from './driver-types.js';
import type { TypedParameter } from '../typed-params.js';

/**
 * Entry points for controlling a running guest and its host-side setup: signals, lifecycle
 * actions, vcpu state, device removal by alias, descriptor groups, emulator affinity, I/O and
 * bandwidth limits, launch security, native formats. Part of HypervisorDriver; every
 * member is optional (a missing one is NO_SUPPORT naming the public call).
 */
export interface DomainControlEntryPoints {
  /** Sends signal `signum` (libvirt's virDomainProcessSignal numbering) to process `pid` in the guest. */
  domainSendProcessSignal?(dom: DomainRef, pid: bigint, signum: number, flags: number): Promise<void>;
  /** Sets the action (DomainLifecycleAction) taken on a lifecycle event (DomainLifecycle). */
  domainSetLifecycleAction?(dom: DomainRef, type: number, action: number, flags: number): Promise<void>;
  /** Enables (state 1) or disables (0) the vcpus of a list (`0-3,^2`). */
  domainSetVcpu?(dom: DomainRef, vcpumap: string, state: number, flags: number): Promise<void>;
  /** Removes the device whose alias is `alias` (DomainDeviceModifyFlags). */
  domainDetachDeviceAlias?(dom: DomainRef, alias: string, flags: number): Promise<void>;
  /** Hands the domain a named group of this process's descriptors (DomainFDAssociateFlags). */
  domainFDAssociate?(dom: DomainRef, name: string, fds: readonly number[], flags: number): Promise<void>;
  /** Starts a defined domain handing its guest this process's descriptors (DomainCreateFlags; libvirt: LXC's init inherits them). */
  domainCreateWithFiles?(dom: DomainRef, fds: readonly number[], flags: number): Promise<DomainRef>;
  /** Creates and starts a transient domain handing its guest this process's descriptors (DomainCreateFlags). */
  domainCreateXMLWithFiles?(xml: string, fds: readonly number[], flags: number): Promise<DomainRef>;
  /** Host CPUs the emulator threads may run on (DomainModificationImpact). */
  domainGetEmulatorPinInfo?(dom: DomainRef, flags: number): Promise<boolean[]>;
  domainPinEmulator?(dom: DomainRef, cpumap: readonly boolean[], flags: number): Promise<void>;
  /** How many I/O limits a disk has (virDomainGetBlockIoTune with no room for any). */
  domainGetBlockIoTuneCount?(dom: DomainRef, disk: string | undefined, flags: number): Promise<number>;
  /** A disk's I/O limits (DOMAIN_BLOCK_IOTUNE_FIELDS). */
  domainGetBlockIoTune?(dom: DomainRef, disk: string, flags: number): Promise<TypedParameter[]>;
  domainSetBlockIoTune?(dom: DomainRef, disk: string, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** How many bandwidth parameters an interface has (virDomainGetInterfaceParameters with no room for any). */
  domainGetInterfaceParameterCount?(dom: DomainRef, device: string, flags: number): Promise<number>;
  /** An interface's bandwidth (DOMAIN_BANDWIDTH_FIELDS; averages and peaks in KiB/s, bursts in KiB). */
  domainGetInterfaceParameters?(dom: DomainRef, device: string, flags: number): Promise<TypedParameter[]>;
  domainSetInterfaceParameters?(dom: DomainRef, device: string, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** The launch security measurement of a confidential guest (SEV). */
  domainGetLaunchSecurityInfo?(dom: DomainRef, flags: number): Promise<TypedParameter[]>;
  /** Injects a secret into a confidential guest's memory before it runs. */
  domainSetLaunchSecurityState?(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<void>;
  /** A hypervisor's own configuration (`qemu-argv`, ...) as domain XML. */
  connectDomainXMLFromNative?(format: string, config: string, flags: number): Promise<string>;
  /** Domain XML as a hypervisor's own configuration. */
  connectDomainXMLToNative?(format: string, xml: string, flags: number): Promise<string>;
  /** Takes over a QEMU process started outside libvirt (libvirt-qemu's virDomainQemuAttach). */
  qemuAttach?(pid: number, flags: number): Promise<DomainRef>;
  /** Listens for QEMU monitor events (libvirt-qemu's virConnectDomainQemuMonitorEventRegister); returns a deregistration. */
  connectDomainQemuMonitorEventRegister?(dom: DomainRef | undefined, event: string | undefined,
    callback: (e: QemuMonitorEvent) => void, flags: number): Promise<() => Promise<void>>;
}

/** One QEMU monitor event as libvirt-qemu delivers it. */
export interface QemuMonitorEvent {
  readonly dom: DomainRef;
  readonly event: string;
  readonly seconds: bigint;
  readonly micros: number;
  /** The event's `data` object as JSON text, if it had one. */
  readonly details?: string;
}
