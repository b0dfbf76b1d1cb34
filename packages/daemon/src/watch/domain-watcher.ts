import { connect, type Connection } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('daemon.watch');

/** libvirt's VIR_CONNECT_LIST_DOMAINS_ACTIVE. */
const ACTIVE = 1;

/**
 * Keeps the served root's driver open in the daemon and subscribed to its events. Opening the
 * root reconnects the driver to domains left running (a restart after kill -9); the subscription
 * is what makes an event-raising driver (QEMU) hold every running domain's monitor, so a guest's
 * power-off, a reset, a pause or a QEMU that died is an event the moment QEMU says so, to every
 * client subscribed on the root; nothing is polled. Whether domains run (for the idle exit) is
 * looked up when asked. Nothing here knows a driver: it is @tsvirt/api calls only.
 */
export class DomainWatcher {
  readonly #events = new AbortController();

  private constructor(readonly conn: Connection) {}

  /** Opens the root and subscribes; undefined when the root's driver is not installed. */
  static async start(uri: string): Promise<DomainWatcher | undefined> {
    let conn: Connection;
    try {
      conn = await connect(uri);
    } catch (e) {
      log.warn(`not watching ${uri}: ${(e as Error).message}`);
      return undefined;
    }
    const w = new DomainWatcher(conn);
    w.follow();
    return w;
  }

  /**
   * Whether a domain runs now (the daemon does not exit idle while any runs, as libvirtd). Looked
   * up only when the idle timer asks: a listing every second cost every daemon CPU for nothing.
   */
  async anyRunning(): Promise<boolean> {
    try {
      return (await this.conn.listAllDomains(ACTIVE)).length > 0;
    } catch (e) {
      log.debug(`watching: ${(e as Error).message}`);
      return true; // unsure: stay
    }
  }

  /** Holds the subscription (and so the monitors) for the daemon's life; the events themselves go to the clients. */
  private follow(): void {
    let stream;
    try {
      stream = this.conn.domainEvents({ signal: this.#events.signal });
    } catch {
      return; // a driver without events: nothing to hold
    }
    void (async () => {
      for await (const e of stream) log.debug(`domain '${e.domain.getName()}': event ${e.event}`);
    })().catch((e) => log.debug(`watch events: ${(e as Error).message}`));
  }

  async stop(): Promise<void> {
    this.#events.abort();
    await this.conn.close();
  }
}
