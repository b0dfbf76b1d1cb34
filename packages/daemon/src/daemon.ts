import type { Socket } from 'node:net';
import { join } from 'node:path';
import { daemonRunDir, daemonSockets, setDaemonPreference, unloadDrivers } from '@tsvirt/api';
import { logger } from '@tsvirt/util';
import { acquireInstanceLock, type InstanceLock } from './instance-lock.js';
import { listenTcp, listenUnix, makeSocketDir, type Listener, type ListenerKind } from './listeners.js';
import type { DaemonOptions } from './options.js';
import { listenerAuth } from './auth/listener-auth.js';
import { servedURI } from './served-uri.js';
import { remembered } from './remembered.js';
import { autostartOncePerBoot } from './watch/autostart.js';
import { DomainWatcher } from './watch/domain-watcher.js';
import { ClientSession } from './session/client-session.js';
import { DEFAULT_LIMITS, type ServerLimits } from './session/limits.js';

const log = logger('daemon');

/** Where a started daemon can be reached. */
export interface DaemonAddresses {
  readonly runDir: string;
  readonly pidFile: string;
  readonly rw: string;
  readonly ro: string;
  /** Ports the `--listen` endpoints got (0 asks the kernel for one). */
  readonly tcpPorts: readonly number[];
}

/**
 * A running tsvirtd: the root's instance lock, the listeners and the client sessions. Stopping it
 * closes every client and driver connection; domains keep running (QEMU is not a child of ours).
 */
export class Daemon {
  readonly #clients = new Set<ClientSession>();
  #idleTimer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  readonly #stopped: Promise<void>;
  #resolveStopped!: () => void;
  #watcher: DomainWatcher | undefined;
  /** The URI a client's name opens, parsed once per name. */
  readonly #uriFor = remembered((name: string | null) => servedURI(name, this.options.root));

  private constructor(
    readonly options: DaemonOptions,
    readonly addresses: DaemonAddresses,
    private readonly lock: InstanceLock,
    private readonly listeners: Listener[],
    private readonly limits: ServerLimits,
  ) {
    this.#stopped = new Promise((r) => (this.#resolveStopped = r));
  }

  /** Takes the root's lock, then listens; fails (leaving nothing) when another daemon serves the root. */
  static async start(options: DaemonOptions, limits: ServerLimits = DEFAULT_LIMITS): Promise<Daemon> {
    const runDir = daemonRunDir(options.root);
    const socketDir = options.socketDir ?? runDir;
    const pidFile = options.pidFile ?? join(runDir, 'tsvirtd.pid');
    const sockets = daemonSockets(socketDir);
    // This process is the daemon: its own connections open the drivers directly.
    setDaemonPreference(false);
    const lock = await acquireInstanceLock(runDir, pidFile);
    const listeners: Listener[] = [];
    let daemon: Daemon | undefined;
    const accept = (s: Socket, k: ListenerKind): void => daemon ? daemon.accept(s, k) : void s.destroy();
    try {
      await makeSocketDir(socketDir);
      listeners.push(await listenUnix(sockets.rw, false, options.rwAnyUser ? 0o777 : 0o700, accept));
      listeners.push(await listenUnix(sockets.ro, true, 0o777, accept));
      const tcpPorts: number[] = [];
      const auth = await listenerAuth(options);
      for (const ep of options.listen) {
        const l = await listenTcp(ep, accept, options.pkipath, ep.tls ? auth.tls : auth.tcp);
        listeners.push(l);
        tcpPorts.push(l.port);
      }
      daemon = new Daemon(options, { runDir, pidFile, rw: sockets.rw, ro: sockets.ro, tcpPorts }, lock, listeners, limits);
    } catch (e) {
      await Promise.all(listeners.map((l) => l.close()));
      await lock.release();
      throw e;
    }
    await daemon.watchRoot();
    daemon.armIdleTimer();
    log.info(`serving ${runDir} on ${listeners.map((l) => l.address).join(', ')}`);
    return daemon;
  }

  /**
   * Opens the served root (reconnecting to domains left running), starts what autostarts after a
   * host boot, and keeps watching the running domains so a dead QEMU is an event at once.
   */
  private async watchRoot(): Promise<void> {
    this.#watcher = await DomainWatcher.start(servedURI(null, this.options.root));
    if (!this.#watcher) return;
    const started = await autostartOncePerBoot(this.#watcher.conn, this.addresses.runDir).catch((e: Error) => {
      log.error(`autostart: ${e.message}`);
      return [];
    });
    if (started.length) log.info(`autostarted ${started.join(', ')}`);
  }

  /** Clients connected now. */
  get clientCount(): number {
    return this.#clients.size;
  }

  /** Resolves once the daemon has stopped (SIGTERM, idle timeout or stop()). */
  get stopped(): Promise<void> {
    return this.#stopped;
  }

  private accept(socket: Socket, kind: ListenerKind): void {
    if (this.#stopping || this.#clients.size >= this.limits.maxClients) {
      log.warn(`refusing a client on ${kind.address}: ${this.#stopping ? 'shutting down' : 'too many clients'}`);
      socket.destroy();
      return;
    }
    const session = new ClientSession(socket, kind, this.#uriFor, this.limits);
    this.#clients.add(session);
    this.disarmIdleTimer();
    session.closed.then(() => {
      this.#clients.delete(session);
      if (this.#clients.size === 0) this.armIdleTimer();
    });
  }

  private armIdleTimer(): void {
    const secs = this.options.timeoutSecs;
    if (secs <= 0 || this.#stopping) return;
    this.disarmIdleTimer();
    this.#idleTimer = setTimeout(() => void this.idleExpired(secs), secs * 1000);
  }

  private async idleExpired(secs: number): Promise<void> {
    // As libvirtd, a daemon watching running domains does not leave them unwatched.
    const busy = (await this.#watcher?.anyRunning()) ?? false;
    // A client that came meanwhile arms the timer again when it leaves.
    if (this.#stopping || this.#clients.size > 0) return;
    if (busy) return this.armIdleTimer();
    log.info(`no client for ${secs} s: exiting`);
    void this.stop();
  }

  private disarmIdleTimer(): void {
    clearTimeout(this.#idleTimer);
    this.#idleTimer = undefined;
  }

  /** Stops listening, closes every client and driver connection, releases the lock. Domains keep running. */
  stop(): Promise<void> {
    this.#stopping ??= (async () => {
      this.disarmIdleTimer();
      await Promise.all(this.listeners.map((l) => l.close().catch(() => undefined)));
      await Promise.all([...this.#clients].map((c) => c.close()));
      await this.#watcher?.stop().catch(() => undefined);
      await unloadDrivers().catch((e) => log.warn(`releasing drivers: ${(e as Error).message}`));
      await this.lock.release();
      this.#resolveStopped();
    })();
    return this.#stopping;
  }
}
