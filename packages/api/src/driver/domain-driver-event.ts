import type { DomainRef } from './driver-types.js';

/**
 * A domain event of any kind (DomainEventID) as a driver raises it and
 * `Connection.domainEventRegisterAny` delivers it. Lifecycle events carry libvirt's event and
 * detail codes; block-job events the disk (its path for BLOCK_JOB, its target for BLOCK_JOB_2).
 */
export type DomainDriverEvent =
  | { readonly eventID: 0; readonly domain: DomainRef; readonly event: number; readonly detail: number }
  | { readonly eventID: 1; readonly domain: DomainRef }
  | { readonly eventID: 8 | 16; readonly domain: DomainRef; readonly disk: string; readonly type: number; readonly status: number }
  | { readonly eventID: 15 | 19; readonly domain: DomainRef; readonly devAlias: string }
  /** AGENT_LIFECYCLE: the guest agent's channel (DomainEventAgentLifecycleState, …Reason). */
  | { readonly eventID: 18; readonly domain: DomainRef; readonly state: number; readonly reason: number }
  /** BLOCK_THRESHOLD: writes to `dev` (`vda`, `vda[2]`) at `path` passed `threshold` bytes by `excess`. */
  | { readonly eventID: 24; readonly domain: DomainRef; readonly dev: string; readonly path: string; readonly threshold: bigint; readonly excess: bigint }
  /** MEMORY_DEVICE_SIZE_CHANGE: the guest plugged or unplugged memory of the virtio-mem device `alias`, now `size` KiB. */
  | { readonly eventID: 26; readonly domain: DomainRef; readonly alias: string; readonly size: bigint };

/** The events of a driver beyond lifecycle ones: listeners of every kind, filtered by the API. */
export interface DomainEventEntryPoints {
  /**
   * Registers a listener for the driver's non-lifecycle domain events (of `dom` only, when given:
   * the driver may watch that domain alone); the returned function removes it.
   */
  connectDomainEventRegisterAny?(listener: (event: DomainDriverEvent) => void, dom?: DomainRef): Promise<() => void>;
}
