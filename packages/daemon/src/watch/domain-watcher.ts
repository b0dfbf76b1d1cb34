import { DomainState, connect, type Connection } from '@tsvirt/api';
import { logger } from '@tsvirt/util';

const log = logger('daemon.watch');

/** libvirt's VIR_CONNECT_LIST_DOMAINS_ACTIVE. */
const ACTIVE = 1;

/**
 * Keeps the served root's driver open in the daemon and looks at every running domain every
 * `intervalMs`. Opening the root reconnects the driver to domains left running (a restart after
 * kill -9); each look is a public-API read, through which the driver notices a QEMU that died and
 * raises its lifecycle event at once, to every client subscribed on the root. Nothing here knows
 * a driver: it is @tsvirt/api calls only.
 */
export class DomainWatcher {
  #timer: NodeJS.Timeout | undefined;
  #running = 0;
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
    await w.look();
    w.#timer = setInterval(() => void w.look(), intervalMs);
    w.#timer.unref();
    return w;
  }

  /** Domains running at the last look (the daemon does not exit idle while any runs, as libvirtd). */
  get running(): number {
    return this.#running;
  }

  private async look(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const doms = await this.conn.listAllDomains(ACTIVE);
      const states = await Promise.all(doms.map((d) => d.getState().catch(() => undefined)));
      this.#running = states.filter((s) => s !== undefined && s[0] !== DomainState.SHUTOFF).length;
    } catch (e) {
      log.debug(`watching: ${(e as Error).message}`);
    } finally {
      this.#busy = false;
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.conn.close();
  }
}
