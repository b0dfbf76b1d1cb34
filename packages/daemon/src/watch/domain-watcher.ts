import { DomainEventType, DomainState, connect, type Connection, type Domain } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('daemon.watch');

/** libvirt's VIR_CONNECT_LIST_DOMAINS_ACTIVE. */
const ACTIVE = 1;
/** How often the set of running domains is listed again (a domain started by a direct client). */
const RELIST_MS = 1000;

/**
 * Keeps the served root's driver open in the daemon and looks at every running domain every
 * `intervalMs`. Opening the root reconnects the driver to domains left running (a restart after
 * kill -9); each look is a public-API read, through which the driver notices a QEMU that died and
 * raises its lifecycle event at once, to every client subscribed on the root. The running set
 * follows the root's lifecycle events and is listed again each second. Nothing here knows a
 * driver: it is @tsvirt/api calls only.
 */
export class DomainWatcher {
  #timer: NodeJS.Timeout | undefined;
  readonly #running = new Map<string, Domain>();
  readonly #events = new AbortController();
  #busy = false;
  #listedAt = 0;

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
      if (Date.now() - this.#listedAt >= RELIST_MS) {
        this.#listedAt = Date.now();
        const doms = await this.conn.listAllDomains(ACTIVE);
        this.#running.clear();
        for (const d of doms) this.#running.set(d.getUUIDString(), d);
      }
      await Promise.all([...this.#running].map(async ([uuid, d]) => {
        const s = await d.getState().catch(() => undefined);
        if (!s || s[0] === DomainState.SHUTOFF) this.#running.delete(uuid);
      }));
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
