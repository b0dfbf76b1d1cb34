/**
 * Daemon callbacks shared by the registrations of one key on a connection. libvirtd tracks one
 * callback per event id and object on a connection (a second is `event callback already
 * tracked`), so, as libvirt's client does, the first registration of a key makes the daemon's
 * callback, the last one to leave removes it, and the messages of a callback id go to every
 * listener of its key. One instance per event kind: a daemon numbers each kind's callbacks apart.
 */
import type { RpcClient, RpcEvent } from '../client/rpc-client.js';

interface Shared<M> {
  id: number | undefined;
  readonly ready: Promise<number>;
  readonly listeners: Set<(m: M) => void>;
}

export class SharedCallbacks<M> {
  readonly #byKey = new Map<string, Shared<M>>();
  readonly #byId = new Map<number, Shared<M>>();
  /** Messages whose callback id is not answered yet: an event may follow its registration's reply in the same read. */
  #early: { id: number; msg: M }[] = [];
  #listening = false;

  /** `route` picks this kind's event messages: their callback id and the message for the listeners. */
  constructor(private readonly client: RpcClient, private readonly route: (e: RpcEvent) => readonly [number, M] | undefined) {}

  /** Hands a message of the daemon's callback `id` to the listeners of its key. */
  deliver(id: number, msg: M): void {
    const shared = this.#byId.get(id);
    if (shared) for (const l of [...shared.listeners]) l(msg);
    else if ([...this.#byKey.values()].some((s) => s.id === undefined)) this.#early.push({ id, msg });
  }

  /**
   * Adds `listener` to the key's callback, made on the daemon by `register` (answering its id)
   * when the key has none; answers the removal, which calls `deregister` for the last listener.
   */
  async add(key: string, listener: (m: M) => void, register: () => Promise<number>,
    deregister: (id: number) => Promise<unknown>): Promise<() => Promise<void>> {
    if (!this.#listening) {
      this.#listening = true;
      this.client.onEvent((e) => {
        const routed = this.route(e);
        if (routed) this.deliver(...routed);
      });
    }
    const shared = this.#byKey.get(key) ?? this.#register(key, register);
    shared.listeners.add(listener);
    let id: number;
    try {
      id = await shared.ready;
    } catch (e) {
      shared.listeners.delete(listener);
      throw e;
    }
    const release = this.client.hold();
    let removed = false;
    return async () => {
      if (removed) return;
      removed = true;
      release();
      shared.listeners.delete(listener);
      if (shared.listeners.size > 0) return;
      this.#byKey.delete(key);
      this.#byId.delete(id);
      await deregister(id);
    };
  }

  #register(key: string, register: () => Promise<number>): Shared<M> {
    const shared: Shared<M> = { id: undefined, ready: register(), listeners: new Set() };
    this.#byKey.set(key, shared);
    shared.ready.then((id) => {
      shared.id = id;
      this.#byId.set(id, shared);
      const early = this.#early;
      this.#early = [];
      for (const e of early) this.deliver(e.id, e.msg);
    }, () => {
      if (this.#byKey.get(key) === shared) this.#byKey.delete(key);
    });
    return shared;
  }
}
