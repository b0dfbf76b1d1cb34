import { StoragePoolEventID, type StoragePoolDriverEvent, type StoragePoolRef } from '@tsvirt/api';

interface Registration {
  readonly pool: StoragePoolRef | undefined;
  readonly eventID: number;
  readonly listener: (e: StoragePoolDriverEvent) => void;
}

/**
 * The storage pool events of one mock host, shared by its connections. Like libvirt's event
 * queue, listeners hear of an event after the call that raised it has returned.
 */
export class PoolEvents {
  readonly #registrations = new Set<Registration>();

  subscribe(pool: StoragePoolRef | undefined, eventID: number, listener: (e: StoragePoolDriverEvent) => void): () => void {
    const reg = { pool, eventID, listener };
    this.#registrations.add(reg);
    return () => this.#registrations.delete(reg);
  }

  /** A lifecycle event (StoragePoolEventLifecycleType); libvirt's storage events carry no detail. */
  lifecycle(pool: StoragePoolRef, event: number): void {
    this.#emit({ pool, eventID: StoragePoolEventID.LIFECYCLE, event, detail: 0 });
  }
  refresh(pool: StoragePoolRef): void {
    this.#emit({ pool, eventID: StoragePoolEventID.REFRESH, event: 0, detail: 0 });
  }

  #emit(e: StoragePoolDriverEvent): void {
    const wanted = [...this.#registrations].filter((r) => r.eventID === e.eventID && (!r.pool || r.pool.uuid === e.pool.uuid));
    if (wanted.length) setImmediate(() => wanted.forEach((r) => r.listener(e)));
  }
}
