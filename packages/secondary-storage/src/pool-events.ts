import { StoragePoolEventID, type StoragePoolDriverEvent, type StoragePoolRef } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('storage.events');
type Listener = (e: StoragePoolDriverEvent) => void;

interface Registration {
  readonly pool: StoragePoolRef | undefined;
  readonly eventID: number;
  readonly listener: Listener;
}

/** The event hub of each root this process has open, by its config directory. */
const hubs = new Map<string, Set<Registration>>();

/**
 * The storage pool events of one root in this process: every connection to the root hears what
 * any of them did, as every client of libvirt's daemon does. Listeners hear of an event after the
 * call that raised it has returned, as from libvirt's event queue; one that throws is logged.
 */
export class PoolEvents {
  constructor(private readonly root: string) {}

  /** Calls `listener` for each event `eventID` (of `pool` only, when given) until the returned function is called. */
  register(pool: StoragePoolRef | undefined, eventID: number, listener: Listener): () => void {
    const regs = hubs.get(this.root) ?? new Set<Registration>();
    hubs.set(this.root, regs);
    const reg = { pool, eventID, listener };
    regs.add(reg);
    return () => {
      regs.delete(reg);
      if (regs.size === 0 && hubs.get(this.root) === regs) hubs.delete(this.root);
    };
  }

  /** A lifecycle event (StoragePoolEventLifecycleType); libvirt's storage events carry no detail. */
  lifecycle(pool: StoragePoolRef, event: number): void {
    this.emit({ pool, eventID: StoragePoolEventID.LIFECYCLE, event, detail: 0 });
  }
  refresh(pool: StoragePoolRef): void {
    this.emit({ pool, eventID: StoragePoolEventID.REFRESH, event: 0, detail: 0 });
  }

  private emit(e: StoragePoolDriverEvent): void {
    const wanted = [...(hubs.get(this.root) ?? [])].filter((r) => r.eventID === e.eventID && (!r.pool || r.pool.uuid === e.pool.uuid));
    if (!wanted.length) return;
    setImmediate(() => {
      for (const r of wanted) {
        try {
          r.listener(e);
        } catch (err) {
          log.error(`storage pool event listener failed: ${(err as Error).message}`);
        }
      }
    });
  }
}
