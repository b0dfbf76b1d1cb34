/** A registration of an object event listener: one event id, of one object or of all. */
interface Registration<E> {
  readonly uuid: string | undefined;
  readonly eventID: number;
  readonly listener: (e: E) => void;
}

/**
 * The listeners of one kind of object event (network, pool, ...) on one driver instance, shared
 * by its connections. Like libvirt's event queue, listeners hear of an event after the call that
 * raised it has returned; one that throws does not stop the others.
 */
export class ObjectEventHub<E extends { readonly eventID: number }> {
  readonly #registrations = new Set<Registration<E>>();

  /** `uuidOf` names the object an event is about, for the per-object filter. */
  constructor(private readonly uuidOf: (e: E) => string, private readonly onListenerError: (err: unknown) => void = () => undefined) {}

  /** How many listeners are registered. */
  get size(): number {
    return this.#registrations.size;
  }

  /** Calls `listener` for each event `eventID` (of the object with `uuid` only, when given) until the returned function is called. */
  subscribe(uuid: string | undefined, eventID: number, listener: (e: E) => void): () => void {
    const reg = { uuid, eventID, listener };
    this.#registrations.add(reg);
    return () => this.#registrations.delete(reg);
  }

  raise(e: E): void {
    const wanted = [...this.#registrations].filter((r) => r.eventID === e.eventID && (r.uuid === undefined || r.uuid === this.uuidOf(e)));
    if (!wanted.length) return;
    setImmediate(() => {
      for (const r of wanted) {
        try {
          r.listener(e);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    });
  }
}
