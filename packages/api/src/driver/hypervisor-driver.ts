import type { DomainInfo, DomainRef, NodeInfo, SecurityLabel, SecurityModel } from './driver-types.js';

/**
 * The hypervisor entry points a driver provides (libvirt's virHypervisorDriver). Every member is
 * optional: the API turns a missing one into libvirt's NO_SUPPORT error naming the public call.
 * `flags` arguments carry libvirt's flag values; a driver rejects flags it does not know.
 */
export interface HypervisorDriver {
  /** The driver's name as `virsh version` shows it (`TEST`, `QEMU`, `LXC`). */
  connectGetType?(): Promise<string>;
  /** Hypervisor version as libvirt encodes it: major * 1,000,000 + minor * 1,000 + micro. */
  connectGetVersion?(): Promise<number>;
  connectGetHostname?(): Promise<string>;
  connectGetCapabilities?(): Promise<string>;
  nodeGetInfo?(): Promise<NodeInfo>;
  nodeGetSecurityModel?(): Promise<SecurityModel>;

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
}
