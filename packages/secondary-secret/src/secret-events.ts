import { ObjectEventHub, SecretEventID, type SecretDriverEvent, type SecretRef } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('secret.events');

/** The listeners of each root this process has open, by its config directory. */
const hubs = new Map<string, ObjectEventHub<SecretDriverEvent>>();

/**
 * The secret events of one root in this process: every connection to the root hears what any of
 * them did, as every client of libvirt's daemon does, after the call that raised the event has
 * returned (libvirt's event queue). Other processes on the same root do not hear them.
 */
export class SecretEvents {
  readonly #hub: ObjectEventHub<SecretDriverEvent>;

  constructor(root: string) {
    let hub = hubs.get(root);
    if (!hub) {
      hub = new ObjectEventHub((e) => e.secret.uuid, (err) => log.error(`secret event listener failed: ${(err as Error).message}`));
      hubs.set(root, hub);
    }
    this.#hub = hub;
  }

  /** Calls `listener` for each event `eventID` (of `secret` only, when given) until the returned function is called. */
  register(secret: SecretRef | undefined, eventID: number, listener: (e: SecretDriverEvent) => void): () => void {
    return this.#hub.subscribe(secret?.uuid, eventID, listener);
  }

  /** A lifecycle event: SecretEventLifecycleType, no detail. */
  lifecycle(secret: SecretRef, event: number): void {
    this.#hub.raise({ secret, eventID: SecretEventID.LIFECYCLE, event, detail: 0 });
  }

  valueChanged(secret: SecretRef): void {
    this.#hub.raise({ secret, eventID: SecretEventID.VALUE_CHANGED, event: 0, detail: 0 });
  }
}
