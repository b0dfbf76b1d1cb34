import type { DomainLifecycleEvent } from './driver/driver-types.js';
import type { DomainEventType } from './flags.js';
import type { Domain } from './objects/domain.js';

/** A domain lifecycle event as the API delivers it. */
export interface DomainEvent {
  readonly domain: Domain;
  readonly event: DomainEventType;
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
  // Every pending next() waits here; concurrent calls are allowed by the iterator protocol.
  const waiters: Array<() => void> = [];
  const wakeAll = (): void => {
    for (const w of waiters.splice(0)) w();
  };
  let done = false;
  let unsubscribe: (() => void) | undefined = subscribe((e) => {
    if (done) return;
    queue.push(toEvent(e));
    wakeAll();
  });
  const finish = (): void => {
    done = true;
    unsubscribe?.();
    unsubscribe = undefined;
    wakeAll();
  };
  if (signal?.aborted) finish();
  else signal?.addEventListener('abort', finish, { once: true });

  const iterator: AsyncIterableIterator<DomainEvent> = {
    async next() {
      while (queue.length === 0 && !done) await new Promise<void>((r) => waiters.push(r));
      const value = queue.shift();
      return value ? { value, done: false } : { value: undefined, done: true };
    },
    async return() {
      queue.length = 0;
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
