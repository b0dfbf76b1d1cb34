import type { DomainRef } from './driver-types.js';

/** One address of a guest interface (virDomainIPAddress). */
export interface DomainIPAddress {
  /** IPAddrType. */
  readonly type: number;
  readonly addr: string;
  readonly prefix: number;
}

/** A guest interface and its addresses (virDomainInterface). */
export interface DomainInterface {
  readonly name: string;
  readonly hwaddr: string | undefined;
  readonly addrs: readonly DomainIPAddress[];
}

/** virDomainInterfaceAddresses as a driver provides it. */
export interface DomainAddressEntryPoints {
  /** `source`: DomainInterfaceAddressesSource. */
  domainInterfaceAddresses?(dom: DomainRef, source: number, flags: number): Promise<DomainInterface[]>;
}
