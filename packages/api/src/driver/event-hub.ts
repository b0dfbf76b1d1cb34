import type { DomainLifecycleEvent, DomainRef, EventSource } from './driver-types.js';

/** An EventSource a driver instance raises lifecycle events on, fanned out to every connection on it. */
export class LifecycleEventHub implements EventSource {
  readonly #listeners = new Set<(e: DomainLifecycleEvent) => void>();

  subscribe(listener: (e: DomainLifecycleEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Raises `event` (DomainEventType) with its detail code (DomainEventDetail) for a domain. */
  raise(domain: DomainRef, event: number, detail: number): void {
    const e = { domain, event, detail } as DomainLifecycleEvent;
    for (const l of [...this.#listeners]) l(e);
  }
}
