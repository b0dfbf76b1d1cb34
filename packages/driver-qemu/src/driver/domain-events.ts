import type { DomainLifecycleEvent, DomainRef, EventSource } from '@tsvirt/api';

/** The lifecycle events one driver instance raises, fanned out to every connection on it. */
export class DomainEvents implements EventSource {
  readonly #listeners = new Set<(e: DomainLifecycleEvent) => void>();

  subscribe(listener: (e: DomainLifecycleEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Raises `event` (DomainEventType) with its detail code for a domain. */
  raise(domain: DomainRef, event: number, detail: number): void {
    const e = { domain, event, detail } as DomainLifecycleEvent;
    for (const l of [...this.#listeners]) l(e);
  }
}
