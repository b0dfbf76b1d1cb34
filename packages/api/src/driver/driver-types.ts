import type { DomainEventType, DomainState } from '../flags.js';

/** How a driver names a domain: what libvirt's virDomainPtr carries. */
export interface DomainRef {
  readonly name: string;
  readonly uuid: string;
  /** The running id, or -1 when the domain is not active. */
  readonly id: number;
}

/** virDomainInfo. */
export interface DomainInfo {
  readonly state: DomainState;
  /** Maximum memory in KiB. */
  readonly maxMem: number;
  /** Current memory in KiB. */
  readonly memory: number;
  readonly nrVirtCpu: number;
  /** CPU time used, in nanoseconds. */
  readonly cpuTime: bigint;
}

/** virNodeInfo. */
export interface NodeInfo {
  readonly model: string;
  /** Memory in KiB: libvirt's unsigned long, exact as a bigint (a test config may give up to 2^64-1). */
  readonly memory: bigint;
  readonly cpus: number;
  /** MHz. */
  readonly mhz: number;
  readonly nodes: number;
  readonly sockets: number;
  readonly cores: number;
  readonly threads: number;
}

/** virSecurityModel and virSecurityLabel as `dominfo` shows them. */
export interface SecurityModel {
  readonly model: string;
  readonly doi: string;
}
export interface SecurityLabel {
  readonly label: string;
  readonly enforcing: boolean;
}

/** A lifecycle event as a driver raises it. */
export interface DomainLifecycleEvent {
  readonly domain: DomainRef;
  readonly event: DomainEventType;
  /** The detail code for `event` (DomainEventDetail). */
  readonly detail: number;
}

/** Where a driver connection publishes its events. */
export interface EventSource {
  /**
   * Registers a listener; the returned function removes it. With `dom` the listener wants that
   * domain's events only: a driver may then watch that domain alone (it may still hand it others).
   */
  subscribe(listener: (event: DomainLifecycleEvent) => void, dom?: DomainRef): () => void;
}
