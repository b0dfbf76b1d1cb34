import { DomainEventType, connect, type Connection, type Domain } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('daemon.watch');

/** libvirt's VIR_CONNECT_LIST_DOMAINS_ACTIVE. */
const ACTIVE = 1;

/**
 * Keeps the served root's driver open in the daemon and subscribed to its events. Opening the
 * root reconnects the driver to domains left running (a restart after kill -9); the subscription
 * is what makes an event-raising driver (QEMU) hold every running domain's monitor, so a guest's
 * power-off, a reset, a pause or a QEMU that died is an event the moment QEMU says so, to every
 * client subscribed on the root; nothing is polled. The running set (for the idle exit) follows
 * the lifecycle events and is listed again every `intervalMs` (a domain a direct client started).
 * Nothing here knows a driver: it is @tsvirt/api calls only.
 */
export class DomainWatcher {
  #timer: NodeJS.Timeout | undefined;
  readonly #running = new Map<string, Domain>();
  readonly #events = new AbortController();
  #busy = false;

  private constructor(
    readonly conn: Connection,
    private readonly intervalMs: number,
  ) {}

  /** Opens the root and starts looking; undefined when the root's driver is not installed. */
  static async start(uri: string, intervalMs: number): Promise<DomainWatcher | undefined> {
    let conn: Connection;
    try {
      conn = await connect(uri);
    } catch (e) {
      log.warn(`not watching ${uri}: ${(e as Error).message}`);
      return undefined;
    }
    const w = new DomainWatcher(conn, intervalMs);
    w.follow();
    await w.look();
    w.#timer = setInterval(() => void w.look(), intervalMs);
    w.#timer.unref();
    return w;
  }

  /** Domains running at the last look (the daemon does not exit idle while any runs, as libvirtd). */
  get running(): number {
    return this.#running.size;
  }

  /** Started domains join the set at once, stopped ones leave it. */
  private follow(): void {
    let stream;
    try {
      stream = this.conn.domainEvents({ signal: this.#events.signal });
    } catch {
      return; // a driver without events: the relisting alone keeps the set
    }
    void (async () => {
      for await (const e of stream) {
        const uuid = e.domain.getUUIDString();
        if (e.event === DomainEventType.STARTED || e.event === DomainEventType.RESUMED) this.#running.set(uuid, e.domain);
        else if (e.event === DomainEventType.STOPPED || e.event === DomainEventType.UNDEFINED) this.#running.delete(uuid);
      }
    })().catch((e) => log.debug(`watch events: ${(e as Error).message}`));
  }

  private async look(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const doms = await this.conn.listAllDomains(ACTIVE);
      this.#running.clear();
      for (const d of doms) this.#running.set(d.getUUIDString(), d);
    } catch (e) {
      log.debug(`watching: ${(e as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    this.#events.abort();
    await this.conn.close();
  }
}
