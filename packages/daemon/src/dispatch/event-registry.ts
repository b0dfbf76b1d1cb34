import type { DomainDriverEvent } from '@tsvirt/api';
import { ErrorCode, VirError, logger } from '@tsvirt/util';
import type { ClientContext } from './client-context.js';
import { DOMAIN_EVENT_MESSAGES } from './domain-event-messages.js';

const log = logger('daemon.events');

/** VIR_DOMAIN_EVENT_ID_LAST in libvirt 9.0: the domain event ids a client may register. */
const DOMAIN_EVENT_ID_LAST = 27;

/** One registered domain callback: its id, event id and (optionally) the one domain it is for. */
interface DomainCallback {
  readonly id: number;
  readonly eventID: number;
  readonly uuid: string | undefined;
  /** Legacy registrations (CONNECT_DOMAIN_EVENT_REGISTER[_ANY]) get events without a callback id. */
  readonly legacy: boolean;
}

/**
 * A client's event callbacks. The first registration of a domain event id subscribes to it on
 * the client's connection (through @tsvirt/api); each event is sent to every matching callback as
 * its own message, as libvirtd does. Ids the API does not raise register and stay quiet.
 */
export class EventRegistry {
  readonly #domain = new Map<number, DomainCallback>();
  /** Subscriptions to the connection's domain events, by event id: how to end each. */
  readonly #subscriptions = new Map<number, Promise<() => void>>();
  /** Callbacks of the other object kinds (pools, secrets, networks, node devices): how to remove each. */
  readonly #other = new Map<number, () => void>();
  #nextId = 1;

  constructor(private readonly ctx: ClientContext) {}

  /** Registers a domain callback and answers its id. */
  async registerDomain(eventID: number, uuid: string | undefined, legacy = false): Promise<number> {
    if (!(eventID >= 0 && eventID < DOMAIN_EVENT_ID_LAST)) {
      throw new VirError(ErrorCode.INVALID_ARG, `unsupported event ID ${eventID}`);
    }
    if (legacy && [...this.#domain.values()].some((c) => c.legacy && c.eventID === eventID)) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `domain event ${eventID} already registered`);
    }
    const id = this.#nextId++;
    this.#domain.set(id, { id, eventID, uuid, legacy });
    await this.subscribe(eventID);
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
    if (![...this.#domain.values()].some((c) => c.eventID === cb.eventID)) this.unsubscribe(cb.eventID);
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

  /** Removes a callback of another kind; `unknown` is the error for an id not registered. */
  deregisterOther(id: number, unknown = () => new VirError(ErrorCode.INVALID_ARG, `callback ${id} not registered`)): void {
    const off = this.#other.get(id);
    if (!off) throw unknown();
    this.#other.delete(id);
    off();
  }

  private subscribe(eventID: number): Promise<unknown> {
    if (this.#subscriptions.has(eventID) || !DOMAIN_EVENT_MESSAGES.has(eventID)) return Promise.resolve();
    const off = this.ctx.conn.domainEventRegisterAny(undefined, eventID, (_dom, e) => this.deliver(e)).catch((e: unknown) => {
      // a driver that raises no such events: the callback stays quiet
      if (!(e instanceof VirError && e.code === ErrorCode.NO_SUPPORT)) log.warn(`domain event ${eventID}: ${(e as Error).message}`);
      return () => undefined;
    });
    this.#subscriptions.set(eventID, off);
    return off;
  }

  private unsubscribe(eventID: number): void {
    void this.#subscriptions.get(eventID)?.then((off) => off());
    this.#subscriptions.delete(eventID);
  }

  private deliver(e: DomainDriverEvent): void {
    const messages = DOMAIN_EVENT_MESSAGES.get(e.eventID);
    if (!messages) return;
    for (const cb of this.#domain.values()) {
      if (cb.eventID !== e.eventID || (cb.uuid !== undefined && cb.uuid !== e.domain.uuid)) continue;
      if (!cb.legacy) this.ctx.send(messages.callback(cb.id, e));
      else if (messages.legacy) this.ctx.send(messages.legacy(e));
    }
  }

  /** Drops every callback (the client closed). */
  clear(): void {
    this.#domain.clear();
    for (const off of this.#other.values()) off();
    this.#other.clear();
    for (const eventID of [...this.#subscriptions.keys()]) this.unsubscribe(eventID);
  }
}

