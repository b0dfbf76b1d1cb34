import type { DomainEvent } from '@tsvirt/api';
import { encodeEvent, remote, remote_program } from '@tsvirt/remote/protocol';
import { ErrorCode, VirError, logger } from '@tsvirt/util';
import type { ClientContext } from './client-context.js';
import { wireDomain } from './wire-objects.js';

const log = logger('daemon.events');

/** VIR_DOMAIN_EVENT_ID_LAST in libvirt 9.0: the domain event ids a client may register. */
const DOMAIN_EVENT_ID_LAST = 27;
const DOMAIN_EVENT_ID_LIFECYCLE = 0;

/** One registered domain callback: its id, event id and (optionally) the one domain it is for. */
interface DomainCallback {
  readonly id: number;
  readonly eventID: number;
  readonly uuid: string | undefined;
  /** Legacy registrations (CONNECT_DOMAIN_EVENT_REGISTER[_ANY]) get events without a callback id. */
  readonly legacy: boolean;
}

/**
 * A client's event callbacks. The first registration subscribes to its connection's events
 * (through @tsvirt/api); each event is sent to every matching callback as its own message, as
 * libvirtd does. Only lifecycle events exist in the API: other ids register, and stay quiet.
 */
export class EventRegistry {
  readonly #domain = new Map<number, DomainCallback>();
  /** Callbacks of the other object kinds (pools, secrets, networks, node devices): how to remove each. */
  readonly #other = new Map<number, () => void>();
  #nextId = 1;
  #abort: AbortController | undefined;

  constructor(private readonly ctx: ClientContext) {}

  /** Registers a domain callback and answers its id. */
  registerDomain(eventID: number, uuid: string | undefined, legacy = false): number {
    if (!(eventID >= 0 && eventID < DOMAIN_EVENT_ID_LAST)) {
      throw new VirError(ErrorCode.INVALID_ARG, `unsupported event ID ${eventID}`);
    }
    if (legacy && [...this.#domain.values()].some((c) => c.legacy && c.eventID === eventID)) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `domain event ${eventID} already registered`);
    }
    const id = this.#nextId++;
    this.#domain.set(id, { id, eventID, uuid, legacy });
    this.listen();
    return id;
  }

  /** Removes a callback by id (or, for legacy ones, by event id). */
  deregisterDomain(match: { id?: number; legacyEventID?: number }): void {
    const cb = match.id !== undefined
      ? this.#domain.get(match.id)
      : [...this.#domain.values()].find((c) => c.legacy && c.eventID === match.legacyEventID);
    if (!cb || (match.id !== undefined && cb.legacy)) {
      throw new VirError(ErrorCode.INVALID_ARG, `callback ${match.id ?? match.legacyEventID} not registered`);
    }
    this.#domain.delete(cb.id);
    if (this.#domain.size === 0) this.stop();
  }

  /**
   * Registers a callback of another object kind; `subscribe` gets the callback id and answers how
   * to unsubscribe (a no-op for kinds whose events the API does not raise yet).
   */
  async registerOther(subscribe: (callbackID: number) => Promise<() => void>): Promise<number> {
    const id = this.#nextId++;
    this.#other.set(id, await subscribe(id));
    return id;
  }

  deregisterOther(id: number): void {
    const off = this.#other.get(id);
    if (!off) throw new VirError(ErrorCode.INVALID_ARG, `callback ${id} not registered`);
    this.#other.delete(id);
    off();
  }

  private listen(): void {
    if (this.#abort) return;
    const abort = new AbortController();
    this.#abort = abort;
    const stream = this.ctx.conn.domainEvents({ signal: abort.signal });
    void (async () => {
      for await (const e of stream) this.deliver(e);
    })().catch((e) => log.warn(`event stream ended: ${(e as Error).message}`));
  }

  private deliver(e: DomainEvent): void {
    const msg = { dom: wireDomain(e.domain), event: e.event, detail: e.detail };
    const uuid = e.domain.getUUIDString();
    for (const cb of this.#domain.values()) {
      if (cb.eventID !== DOMAIN_EVENT_ID_LIFECYCLE || (cb.uuid !== undefined && cb.uuid !== uuid)) continue;
      this.ctx.send(cb.legacy
        ? encodeEvent(remote_program, remote.REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE, msg)
        : encodeEvent(remote_program, remote.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, { callbackID: cb.id, msg }));
    }
  }

  private stop(): void {
    this.#abort?.abort();
    this.#abort = undefined;
  }

  /** Drops every callback (the client closed). */
  clear(): void {
    this.#domain.clear();
    for (const off of this.#other.values()) off();
    this.#other.clear();
    this.stop();
  }
}

