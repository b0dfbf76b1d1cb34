import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { DomainEventDetail, DomainEventID, DomainEventType, DomainShutoffReason, DomainState } from '@tsvirt/api';
import { isProcessAlive, logger, prepareFileLocks } from '@tsvirt/util';
import { eventMonitorPath } from '../process/event-monitor.js';
import { QmpClient } from '../qmp/qmp-client.js';
import type { QmpEvent } from '../qmp/qmp-types.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { qemuStore } from '../state/qemu-store.js';
import type { DriverContext } from '../driver/driver-context.js';
import { actsOn, announceShutdown, catchUp, handleQmpEvent, stoppedDetail, type EventTarget } from './qmp-event-handlers.js';
import { announceHostShutdown, tearDown } from '../driver/domain-stop.js';
import { closeLentMonitor, lendMonitor } from '../driver/monitor.js';
import { shutdownSilent } from './lifecycle-actions.js';
import { waitForChildExit } from '../process/child-exits.js';
import { monitorEventOf } from './monitor-events.js';
import { NOTHING, inScope, isEmptyScope, type WatchScope } from './watch-scope.js';

const log = logger('qemu.events');

/** How long a monitor that closed may take to be followed by its QEMU's exit. */
const EXIT_WAIT_MS = 5_000;
/** A watcher waits for the event monitor as long as another process holds it (QEMU queues the connection). */
const WAIT_FOREVER_MS = 2 ** 31 - 1;

/** One running QEMU whose event monitor this process holds. */
interface Held extends EventTarget {
  readonly id: number;
  readonly runDir: string;
  /** Started by this process (which tells its listeners how the run before it ended). */
  readonly startedHere: boolean;
  readonly pidStart: string | undefined;
  readonly abort: AbortController;
  /** When the hold began, in holds made by this watcher: a look at the statuses begun before it is older news. */
  readonly serial: number;
  queue: Promise<void>;
  /** Handlers queued and not finished. */
  waiting: number;
  /** QEMU reported a SHUTDOWN the host asked for (a SIGTERM: another process's destroy). */
  hostShutdown: boolean;
}

/**
 * Holds the event monitor of every running domain of a root in the scope of this process's
 * listeners (every domain, or the ones they named): domains this process starts join at once,
 * ones other processes start are seen through the state directory. Each domain's QMP events are handled one after another, each
 * under the domain's job lock, so they never race a job; a monitor that closes means QEMU is
 * gone and the domain is shut off (crashed, or shut down when QEMU said so first).
 */
export class DomainWatcher {
  readonly #held = new Map<string, Held>();
  #dir: FSWatcher | undefined;
  #offRaised: (() => void) | undefined;
  #scanning = false;
  #rescan = false;
  #scope: WatchScope = NOTHING;
  /**
   * Whether a look at every domain is done since they all came into scope, and the names a look
   * covered since each came into scope: a domain found running at its first look is taken as
   * known, one found later was started since and is announced.
   */
  #lookedAll = false;
  readonly #looked = new Set<string>();
  /** Holds made so far. */
  #holds = 0;

  constructor(private readonly drv: DriverContext) {}

  /** Holds the monitors of the domains in `scope` (none: stops), letting go of the others. */
  setScope(scope: WatchScope): void {
    const before = this.#scope;
    if (scope.all === before.all && scope.names.size === before.names.size && [...scope.names].every((n) => before.names.has(n))) return;
    this.#scope = scope;
    if (isEmptyScope(scope)) return this.#stop();
    for (const h of [...this.#held.values()]) if (!inScope(scope, h.name)) this.#release(h);
    if (!scope.all) {
      if (this.#lookedAll) for (const n of scope.names) this.#looked.add(n);
      this.#lookedAll = false;
      for (const n of [...this.#looked]) if (!scope.names.has(n)) this.#looked.delete(n);
    }
    if (this.#dir) this.#scan();
    else this.#start();
  }

  #start(): void {
    if (this.#dir) return;
    // Each event is handled under the domain's job lock: the lock keeper starts while the monitors connect.
    prepareFileLocks();
    const dir = this.drv.paths.stateDir;
    try {
      mkdirSync(dir, { recursive: true });
      this.#dir = watch(dir, (_kind, file) => (file === null || (file.endsWith('.json') && inScope(this.#scope, file.slice(0, -5)))) && this.#scan());
    } catch (e) {
      log.error(`cannot watch ${dir}: ${(e as Error).message}`);
      return;
    }
    this.#dir.on('error', (e) => log.error(`watching ${dir}: ${e.message}`));
    this.#dir.unref();
    this.#offRaised = this.drv.events.onRaised((e) => e.event === DomainEventType.STARTED && inScope(this.#scope, e.domain.name) && this.#scan());
    this.#scan();
  }

  #stop(): void {
    this.#lookedAll = false;
    this.#looked.clear();
    this.#dir?.close();
    this.#dir = undefined;
    this.#offRaised?.();
    for (const h of this.#held.values()) this.#release(h);
  }

  #release(h: Held): void {
    h.abort.abort();
    if (h.client) closeLentMonitor(h.runDir, h.client);
    if (this.#held.get(h.name) === h) this.#held.delete(h.name);
  }

  /** Looks for running domains not held yet; scans asked for while one runs are folded into one more. */
  #scan(): void {
    if (this.#scanning) {
      this.#rescan = true;
      return;
    }
    this.#scanning = true;
    void (async () => {
      do {
        this.#rescan = false;
        const lookBegan = this.#holds;
        const scope = this.#scope;
        for (const s of await this.#statuses(scope)) {
          const h = this.#held.get(s.name);
          if (!this.#dir) return; // stopped while looking
          if (s.phase !== 'active' || s.pid === undefined || h?.pid === s.pid || !inScope(this.#scope, s.name)) continue;
          // Held while the statuses were read (a start of this process): the status read may be of the run before it.
          if (h && h.serial >= lookBegan) continue;
          if (h) this.#release(h);
          void this.#hold(s, s.pid, this.#lookedAll || this.#looked.has(s.name) ? 'new' : 'running');
        }
        // A scope changed while looking is looked at again.
        if (scope === this.#scope) {
          if (scope.all) this.#lookedAll = true;
          for (const n of scope.names) this.#looked.add(n);
        }
      } while (this.#rescan && this.#dir);
    })().catch((e: Error) => log.error(`looking for running domains: ${e.message}`)).finally(() => (this.#scanning = false));
  }

  /** The active statuses of the domains in `scope`: a named domain's alone is read. */
  async #statuses(scope: WatchScope): Promise<ActiveStatus[]> {
    const store = qemuStore(this.drv.paths);
    if (scope.all) return store.loadActiveStatuses();
    const names = [...scope.names].filter((n) => store.opts.isSafeName?.(n) ?? true);
    const read = await Promise.all(names.map((n) => store.readStatus(n).catch((e: Error) => {
      log.error(`reading the status of domain '${n}': ${e.message}`);
      return undefined;
    })));
    return read.filter(isActiveStatus);
  }

  /**
   * A domain another process started after the first look is announced here too (its starter
   * told only its own listeners). Under the job lock, a start of this process has announced itself.
   */
  #announce(s: ActiveStatus): void {
    const told = this.drv.events.told(s.uuid);
    if (told !== undefined && told !== DomainState.SHUTOFF) return;
    const ref = { name: s.name, uuid: s.uuid, id: s.id };
    this.drv.events.raise(ref, DomainEventType.STARTED, DomainEventDetail.STARTED.BOOTED);
    if (s.state === DomainState.PAUSED) this.drv.events.raise(ref, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
  }

  /** Holds a domain this process is starting before its guest runs, so that no event of the run is missed. */
  async holdStarting(s: ActiveStatus): Promise<void> {
    if (!this.#dir || !inScope(this.#scope, s.name) || s.pid === undefined || this.#held.get(s.name)?.pid === s.pid) return;
    await this.#hold(s, s.pid, 'starting');
  }

  /**
   * Holds a QEMU's event monitor. `running`: found at the first look, its state taken as known;
   * `new`: started by another process since, announced; `starting`: this process's start, which announces itself.
   */
  #hold(s: ActiveStatus, pid: number, how: 'running' | 'new' | 'starting'): Promise<void> {
    const h: Held = { name: s.name, uuid: s.uuid, id: s.id, runDir: s.runDir, startedHere: how === 'starting', pid, pidStart: s.pidStart, abort: new AbortController(), serial: this.#holds++, queue: Promise.resolve(), waiting: 0, client: undefined, shutdownSeen: false, hostShutdown: false };
    this.#held.set(s.name, h);
    if (how === 'new') this.#enqueue(h, () => this.#locked(h, async (st) => this.#announce(st)));
    if (how === 'running') this.drv.events.assume(s.uuid, s.state);
    return QmpClient.open(eventMonitorPath(s.runDir), WAIT_FOREVER_MS, h.abort.signal).then((client) => {
      if (h.abort.signal.aborted) return client.close();
      h.client = client;
      client.unref();
      lendMonitor(h.runDir, pid, client);
      /** Events the driver acts on so far (the others are only told to monitor-event listeners). */
      let acted = 0;
      client.onEvent((e) => {
        this.drv.events.raiseMonitor(monitorEventOf({ name: h.name, uuid: h.uuid, id: h.id }, e));
        if (e.event === 'SHUTDOWN') this.#announceShutdown(h, e as QmpEvent);
        // A reset is told the moment QEMU reports it, as libvirt does: before a restart's RESUMED
        if (e.event === 'RESET') this.drv.events.raiseOther({ eventID: DomainEventID.REBOOT, domain: { name: h.name, uuid: h.uuid, id: h.id } });
        if (!actsOn(e.event)) return;
        acted++;
        this.#enqueue(h, () => this.#locked(h, (st) => handleQmpEvent(this.drv, h, st, e as QmpEvent), () => this.#removedAnyway(h, e as QmpEvent)));
      });
      void client.closed.then(() => h.abort.signal.aborted || this.#enqueue(h, () => this.#ended(h)));
      // A change after the connection comes as an event of its own; only an earlier one needs catching up with.
      if (how !== 'starting') this.#enqueue(h, () => this.#locked(h, async (st) => (acted === 0 ? catchUp(this.drv, h, st) : undefined)));
    }, (e: Error) => {
      if (h.abort.signal.aborted) return;
      // No event monitor: QEMU is gone already, or it was started before the driver had one.
      log.debug(`domain '${s.name}': no event monitor: ${e.message}`);
      this.#enqueue(h, () => this.#ended(h));
    });
  }

  #enqueue(h: Held, fn: () => Promise<void>): void {
    h.waiting++;
    h.queue = h.queue.then(() => (h.abort.signal.aborted ? undefined : fn())).catch((e: Error) => {
      // QEMU dying while an event is handled is expected; its end is handled next.
      const msg = `domain '${h.name}': handling a QEMU event: ${e.message}`;
      if (h.client?.isClosed) log.debug(msg);
      else log.error(msg);
    }).finally(() => h.waiting--);
  }

  /**
   * Whether the event monitor of this run of a domain is held and open with none of its events
   * waiting: then its status is as current as QEMU's last word (an exit closes the monitor, a run
   * state change comes as an event), and a reader need not ask /proc or QEMU's run-state log.
   */
  isCurrent(name: string, pid: number): boolean {
    const h = this.#held.get(name);
    return h !== undefined && h.pid === pid && h.waiting === 0 && h.client !== undefined && !h.client.isClosed && !h.abort.signal.aborted;
  }

  /** A guest's power-off is told at once (the status is read without waiting for the job lock, which a job may hold). */
  #announceShutdown(h: Held, e: QmpEvent): void {
    qemuStore(this.drv.paths).readStatus(h.name)
      .then((s) => {
        // a host's (another process's destroy, unless this domain's shutdowns are silent) is told at QEMU's exit
        if (e.data?.['guest'] === false) h.hostShutdown = !(isActiveStatus(s) && s.pid === h.pid && shutdownSilent(s));
        announceShutdown(this.drv, h, s, e.data ?? {});
      })
      .catch((err: Error) => log.debug(`domain '${h.name}': announcing its shutdown: ${err.message}`));
  }

  /** Whether a later run of the domain was started by this process: what was told since is of that run. */
  #restartedHere(h: Held): boolean {
    const now = this.#held.get(h.name);
    return now !== undefined && now !== h && now.startedHere;
  }

  /**
   * Runs `fn` on the domain's status under its job lock, if the status still describes the held
   * QEMU; `otherwise` when a job ended the run before the event's turn came.
   */
  #locked(h: Held, fn: (s: ActiveStatus) => Promise<void>, otherwise?: () => void): Promise<void> {
    return qemuStore(this.drv.paths).withDomainJob(h.name, async () => {
      const s = await qemuStore(this.drv.paths).readStatus(h.name);
      if (isActiveStatus(s) && s.phase === 'active' && s.pid === h.pid) await fn(s);
      else otherwise?.();
    });
  }

  /** A device QEMU removed is told even when the run ended before its event was handled (a destroy right after a detach). */
  #removedAnyway(h: Held, e: QmpEvent): void {
    const alias = e.event === 'DEVICE_DELETED' ? e.data?.['device'] : undefined;
    if (typeof alias !== 'string' || !alias) return;
    this.drv.events.raiseOther({ eventID: DomainEventID.DEVICE_REMOVED, domain: { name: h.name, uuid: h.uuid, id: h.id }, devAlias: alias });
  }

  /**
   * The monitor closed: once QEMU has exited, the domain is shut off, unless a job got there
   * first. The exit of a QEMU this process started is an event; another's is looked for again.
   */
  async #ended(h: Held): Promise<void> {
    const until = Date.now() + EXIT_WAIT_MS;
    while (await isProcessAlive(h.pid, h.pidStart)) {
      if (Date.now() > until) {
        log.warn(`domain '${h.name}': event monitor closed but QEMU ${h.pid} still runs; connecting again`);
        this.#release(h);
        if (this.#dir) this.#scan();
        return;
      }
      if (!(await waitForChildExit(h.pid, until - Date.now()))) await sleep(2);
    }
    await qemuStore(this.drv.paths).withDomainJob(h.name, async () => {
      const s = await qemuStore(this.drv.paths).readStatus(h.name);
      if (isActiveStatus(s) && s.pid === h.pid) {
        await tearDown(this.drv, s, h.shutdownSeen ? DomainShutoffReason.SHUTDOWN : DomainShutoffReason.CRASHED, {
          detail: h.shutdownSeen ? DomainEventDetail.STOPPED.SHUTDOWN : DomainEventDetail.STOPPED.FAILED,
        });
      } else if (this.drv.events.told(h.uuid) !== undefined && this.drv.events.told(h.uuid) !== DomainState.SHUTOFF && !this.#restartedHere(h)) {
        // Another process stopped it and told only its own listeners: a destroy's SIGTERM was a host SHUTDOWN first.
        const detail = stoppedDetail(s);
        if (detail === DomainEventDetail.STOPPED.DESTROYED && h.hostShutdown) announceHostShutdown(this.drv, h);
        this.drv.events.raise({ name: h.name, uuid: h.uuid, id: -1 }, DomainEventType.STOPPED, detail);
      }
    });
    this.#release(h);
  }
}
