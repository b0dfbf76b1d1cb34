import { ObjectEventHub, StoragePoolEventID, type StoragePoolDriverEvent, type StoragePoolRef } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('storage.events');

/** The listeners of each root this process has open, by its config directory. */
const hubs = new Map<string, ObjectEventHub<StoragePoolDriverEvent>>();

const newHub = (): ObjectEventHub<StoragePoolDriverEvent> =>
  new ObjectEventHub((e) => e.pool.uuid, (err) => log.error(`storage pool event listener failed: ${(err as Error).message}`));

/**
 * The storage pool events of one root in this process: every connection to the root hears what
 * any of them did, as every client of libvirt's daemon does, after the call that raised the event
 * has returned (libvirt's event queue).
 */
export class PoolEvents {
  constructor(private readonly root: string) {}

  /** Calls `listener` for each event `eventID` (of `pool` only, when given) until the returned function is called. */
  register(pool: StoragePoolRef | undefined, eventID: number, listener: (e: StoragePoolDriverEvent) => void): () => void {
    const hub = hubs.get(this.root) ?? newHub();
    hubs.set(this.root, hub);
    const unsubscribe = hub.subscribe(pool?.uuid, eventID, listener);
    return () => {
      unsubscribe();
      // A root no connection listens on any more keeps no hub.
      if (hub.size === 0 && hubs.get(this.root) === hub) hubs.delete(this.root);
    };
  }

  /** A lifecycle event (StoragePoolEventLifecycleType); libvirt's storage events carry no detail. */
  lifecycle(pool: StoragePoolRef, event: number): void {
    this.raise({ pool, eventID: StoragePoolEventID.LIFECYCLE, event, detail: 0 });
  }
  refresh(pool: StoragePoolRef): void {
    this.raise({ pool, eventID: StoragePoolEventID.REFRESH, event: 0, detail: 0 });
  }

  private raise(e: StoragePoolDriverEvent): void {
    hubs.get(this.root)?.raise(e);
  }
}
