import type { DomainLifecycleEvent, EventSource } from '@tsvirt/api';

/** Fan-out of lifecycle events to every connection sharing one mock host. */
export class TestEvents implements EventSource {
  readonly #listeners = new Set<(e: DomainLifecycleEvent) => void>();

  subscribe(listener: (e: DomainLifecycleEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether anyone listens: a host with no listener makes no event (most calls of a script). */
  get listening(): boolean {
    return this.#listeners.size > 0;
  }

  emit(event: DomainLifecycleEvent): void {
    for (const l of [...this.#listeners]) l(event);
  }
}
