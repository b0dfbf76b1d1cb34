import type { DomainLifecycleEvent } from './driver/driver-types.js';
import type { Domain } from './objects/domain.js';

/** A domain lifecycle event as the API delivers it. */
export interface DomainEvent {
  readonly domain: Domain;
  /** DomainEventType. */
  readonly event: number;
  /** Detail code for the event type (DomainEventDetail). */
  readonly detail: number;
}

/**
 * Turns a driver's listener-style event source into an async iterable that ends when `signal`
 * aborts or the consumer stops iterating; events queue while the consumer is busy.
 */
export function eventStream(
  subscribe: (listener: (e: DomainLifecycleEvent) => void) => () => void,
  toEvent: (e: DomainLifecycleEvent) => DomainEvent,
  signal?: AbortSignal,
): AsyncIterableIterator<DomainEvent> {
  const queue: DomainEvent[] = [];
  let wake: (() => void) | undefined;
  let done = signal?.aborted ?? false;
  const unsubscribe = subscribe((e) => {
    queue.push(toEvent(e));
    wake?.();
  });
  const finish = (): void => {
    done = true;
    unsubscribe();
    wake?.();
  };
  signal?.addEventListener('abort', finish, { once: true });
  if (done) unsubscribe();

  const iterator: AsyncIterableIterator<DomainEvent> = {
    async next() {
      while (queue.length === 0 && !done) await new Promise<void>((r) => (wake = r));
      wake = undefined;
      const value = queue.shift();
      return value ? { value, done: false } : { value: undefined, done: true };
    },
    async return() {
      finish();
      signal?.removeEventListener('abort', finish);
      return { value: undefined, done: true };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
