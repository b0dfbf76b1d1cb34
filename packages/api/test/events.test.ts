import { describe, expect, it } from 'vitest';
import { eventStream } from '../src/events.js';
import {
  Connection, DomainEventDetail, DomainEventType, type DomainEvent, type DomainLifecycleEvent, type DriverConnection,
} from '../src/index.js';

/** A listener-style source with a count of live subscriptions. */
function source() {
  const listeners = new Set<(e: DomainLifecycleEvent) => void>();
  let unsubscribed = 0;
  return {
    listeners,
    get unsubscribed() {
      return unsubscribed;
    },
    subscribe(l: (e: DomainLifecycleEvent) => void) {
      listeners.add(l);
      return () => {
        unsubscribed++;
        listeners.delete(l);
      };
    },
    emit(name: string, event: DomainEventType = DomainEventType.STARTED, detail = 0) {
      for (const l of [...listeners]) l({ domain: { name, uuid: 'u', id: 1 }, event, detail });
    },
  };
}

const toEvent = (e: DomainLifecycleEvent): DomainEvent =>
  ({ domain: { getName: () => e.domain.name } as DomainEvent['domain'], event: e.event, detail: e.detail });
const nameOf = (r: IteratorResult<DomainEvent>): string | undefined => (r.done ? undefined : r.value.domain.getName());
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe('eventStream', () => {
  it('delivers events in order, queueing them while the consumer is busy', async () => {
    const s = source();
    const it = eventStream((l) => s.subscribe(l), toEvent);
    s.emit('a');
    s.emit('b');
    s.emit('c');
    expect(nameOf(await it.next())).toBe('a');
    expect(nameOf(await it.next())).toBe('b');
    const pending = it.next();
    await tick();
    expect(nameOf(await pending)).toBe('c');
    const waiting = it.next();
    s.emit('d');
    expect(nameOf(await waiting)).toBe('d');
    await it.return!();
  });

  it('aborting the signal ends a pending next() and unsubscribes', async () => {
    const s = source();
    const ac = new AbortController();
    const it = eventStream((l) => s.subscribe(l), toEvent, ac.signal);
    const pending = it.next();
    await tick();
    ac.abort();
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(s.listeners.size).toBe(0);
    expect(s.unsubscribed).toBe(1);
    expect((await it.next()).done).toBe(true);
  });

  it('events raised before the abort are still delivered; none after', async () => {
    const s = source();
    const ac = new AbortController();
    const it = eventStream((l) => s.subscribe(l), toEvent, ac.signal);
    s.emit('before');
    ac.abort();
    s.emit('after');
    expect(nameOf(await it.next())).toBe('before');
    expect((await it.next()).done).toBe(true);
  });

  it('an already aborted signal gives an ended stream that holds no subscription', async () => {
    const s = source();
    const it = eventStream((l) => s.subscribe(l), toEvent, AbortSignal.abort());
    expect(s.listeners.size).toBe(0);
    s.emit('x');
    expect((await it.next()).done).toBe(true);
  });

  it('breaking out of for-await unsubscribes, once, even if the signal aborts later', async () => {
    const s = source();
    const ac = new AbortController();
    const stream = eventStream((l) => s.subscribe(l), toEvent, ac.signal);
    s.emit('a');
    s.emit('b');
    const seen: string[] = [];
    for await (const e of stream) {
      seen.push(e.domain.getName());
      break;
    }
    expect(seen).toEqual(['a']);
    expect(s.listeners.size).toBe(0);
    ac.abort();
    expect(s.unsubscribed).toBe(1);
    // What was queued is dropped with the stream.
    expect((await stream.next()).done).toBe(true);
  });

  it('concurrent next() calls each get their own event', async () => {
    const s = source();
    const it = eventStream((l) => s.subscribe(l), toEvent);
    const first = it.next();
    const second = it.next();
    await tick();
    s.emit('one');
    s.emit('two');
    const results = await Promise.race([
      Promise.all([first, second]),
      new Promise<'hung'>((r) => setTimeout(() => r('hung'), 1000)),
    ]);
    expect(results).not.toBe('hung');
    expect((results as Array<IteratorResult<DomainEvent>>).map(nameOf).sort()).toEqual(['one', 'two']);
    await it.return!();
  });

  it('concurrent next() calls all end when the stream ends', async () => {
    const s = source();
    const ac = new AbortController();
    const it = eventStream((l) => s.subscribe(l), toEvent, ac.signal);
    const waiting = [it.next(), it.next(), it.next()];
    await tick();
    ac.abort();
    expect((await Promise.all(waiting)).every((r) => r.done)).toBe(true);
  });
});

describe('Connection.domainEvents', () => {
  it('turns driver events into Domain handles of the connection', async () => {
    const s = source();
    const driver: DriverConnection = { hypervisor: {}, events: { subscribe: (l) => s.subscribe(l) }, close: async () => undefined };
    const conn = new Connection(driver, 'fake:///', false);
    const ac = new AbortController();
    const got: Array<[string, number, number, number]> = [];
    const consumer = (async () => {
      for await (const e of conn.domainEvents({ signal: ac.signal })) {
        got.push([e.domain.getName(), e.domain.getID(), e.event, e.detail]);
        expect(e.domain.conn).toBe(conn);
      }
    })();
    s.emit('vm', DomainEventType.DEFINED, DomainEventDetail.DEFINED.ADDED);
    s.emit('vm', DomainEventType.STOPPED, DomainEventDetail.STOPPED.DESTROYED);
    await tick();
    ac.abort();
    await consumer;
    expect(got).toEqual([
      ['vm', 1, DomainEventType.DEFINED, DomainEventDetail.DEFINED.ADDED],
      ['vm', 1, DomainEventType.STOPPED, DomainEventDetail.STOPPED.DESTROYED],
    ]);
    expect(s.listeners.size).toBe(0);
  });
});

describe('close() ends the connection\'s event streams', () => {
  it('a pending next() resolves done, with or without a signal of the caller', async () => {
    const s = source();
    const conn = new Connection({ events: s, close: async () => undefined } as DriverConnection, 'fake:///', false);
    const plain = conn.domainEvents();
    const signalled = conn.domainEvents({ signal: new AbortController().signal });
    const pending = [plain.next(), signalled.next()];
    await tick();
    expect(s.listeners.size).toBe(2);
    await conn.close();
    expect((await Promise.all(pending)).map((r) => r.done)).toEqual([true, true]);
    expect(s.unsubscribed).toBe(2);
    // An event a driver raises late reaches nobody.
    s.emit('late');
    expect((await plain.next()).done).toBe(true);
  });
});
