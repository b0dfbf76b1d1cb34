import { DomainEventType, DomainState, LifecycleEventHub, type DomainDriverEvent, type DomainLifecycleEvent, type DomainRef, type QemuMonitorEvent } from '@tsvirt/api';
import type { WatchScope } from './watch-scope.js';

/** The state a lifecycle event leaves a domain in, as its listeners were told. */
const STATE_AFTER: Partial<Record<number, number>> = {
  [DomainEventType.STARTED]: DomainState.RUNNING,
  [DomainEventType.SUSPENDED]: DomainState.PAUSED,
  [DomainEventType.RESUMED]: DomainState.RUNNING,
  [DomainEventType.STOPPED]: DomainState.SHUTOFF,
  [DomainEventType.SHUTDOWN]: DomainState.SHUTDOWN,
  [DomainEventType.CRASHED]: DomainState.CRASHED,
  [DomainEventType.PMSUSPENDED]: DomainState.PMSUSPENDED,
};

/**
 * The driver instance's event hub: lifecycle events (to every connection's `domainEvents()`)
 * and the other domain events (`connectDomainEventRegisterAny`). It counts its outside
 * listeners, for all domains and per named domain, so the driver holds QEMU's monitors only
 * while someone wants events, and only the named domains' while nobody wants all; and it
 * remembers the state it last announced for each domain, so an event QEMU reports after a job
 * of this process already announced it is not raised twice. Listeners of one domain may be
 * handed others' events too (the API filters them).
 */
export class QemuEventHub extends LifecycleEventHub {
  readonly #others = new Set<(e: DomainDriverEvent) => void>();
  readonly #told = new Map<string, number>();
  readonly #raised = new Set<(e: DomainLifecycleEvent) => void>();
  readonly #monitor = new Set<(e: QemuMonitorEvent) => void>();
  /** Listeners of every domain. */
  #all = 0;
  /** Listeners of one domain, by its name. */
  readonly #named = new Map<string, number>();

  /** `onScope` is called with the domains listened to whenever that set changes. */
  constructor(private readonly onScope: (scope: WatchScope) => void) {
    super();
  }

  override subscribe(listener: (e: DomainLifecycleEvent) => void, dom?: DomainRef): () => void {
    return this.#counted(super.subscribe(listener), dom);
  }

  /** Listens to the non-lifecycle domain events (of `dom`, when given). */
  subscribeOthers(listener: (e: DomainDriverEvent) => void, dom?: DomainRef): () => void {
    this.#others.add(listener);
    return this.#counted(() => this.#others.delete(listener), dom);
  }

  /** Listens to every QMP event of the running domains (of `dom`, when given: libvirt-qemu's monitor events). */
  subscribeMonitor(listener: (e: QemuMonitorEvent) => void, dom?: DomainRef): () => void {
    this.#monitor.add(listener);
    return this.#counted(() => this.#monitor.delete(listener), dom);
  }

  raiseMonitor(e: QemuMonitorEvent): void {
    for (const l of [...this.#monitor]) l(e);
  }

  /** Listens to lifecycle events from inside the driver, without counting as someone who wants events. */
  onRaised(listener: (e: DomainLifecycleEvent) => void): () => void {
    this.#raised.add(listener);
    return () => this.#raised.delete(listener);
  }

  override raise(domain: DomainRef, event: number, detail: number): void {
    const state = STATE_AFTER[event];
    if (state !== undefined) this.#told.set(domain.uuid, state);
    for (const l of [...this.#raised]) l({ domain, event, detail } as DomainLifecycleEvent);
    super.raise(domain, event, detail);
  }

  raiseOther(e: DomainDriverEvent): void {
    for (const l of [...this.#others]) l(e);
  }

  /** Whether anyone outside the driver listens: a job may skip working out an event nobody would hear. */
  get wanted(): boolean {
    return this.#all > 0 || this.#named.size > 0;
  }

  /** The state last announced for a domain, if any. */
  told(uuid: string): number | undefined {
    return this.#told.get(uuid);
  }

  /** Records a state as announced without raising (a domain first seen running, unless already announced as running). */
  assume(uuid: string, state: number): void {
    const told = this.#told.get(uuid);
    if (told === undefined || told === DomainState.SHUTOFF) this.#told.set(uuid, state);
  }

  #scope(): WatchScope {
    return { all: this.#all > 0, names: new Set(this.#named.keys()) };
  }

  #counted(off: () => void, dom: DomainRef | undefined): () => void {
    const name = dom?.name;
    if (name === undefined) this.#all++;
    else this.#named.set(name, (this.#named.get(name) ?? 0) + 1);
    this.onScope(this.#scope());
    let done = false;
    return () => {
      if (done) return;
      done = true;
      off();
      if (name === undefined) this.#all--;
      else if (this.#named.get(name) === 1) this.#named.delete(name);
      else this.#named.set(name, this.#named.get(name)! - 1);
      this.onScope(this.#scope());
    };
  }
}
