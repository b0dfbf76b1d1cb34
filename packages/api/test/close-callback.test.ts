import { describe, expect, it } from 'vitest';
import { virErrorOf } from '../src/testing/index.js';
import {
  ConnectCloseReason, Connection, ErrorCode, type DriverCloseCallback, type DriverConnection, type EventSource,
} from '../src/index.js';

const quietEvents: EventSource = { subscribe: () => () => undefined };

describe('Connection close callbacks (virConnectRegisterCloseCallback)', () => {
  it('a driver without the entry points (a local one) accepts every registration, as libvirt', async () => {
    const conn = new Connection({ hypervisor: {}, close: async () => undefined }, 'test:///default', false);
    const cb = () => undefined;
    await conn.registerCloseCallback(cb);
    await conn.registerCloseCallback(cb);
    await conn.unregisterCloseCallback(cb);
    await conn.unregisterCloseCallback(() => undefined);
    const bad = await virErrorOf(conn.registerCloseCallback(null as never));
    expect([bad.code, bad.message]).toEqual([ErrorCode.INVALID_ARG, 'invalid argument: cb in virConnectRegisterCloseCallback must not be NULL']);
    await conn.close();
    const closed = await virErrorOf(conn.unregisterCloseCallback(cb));
    expect([closed.code, closed.message]).toEqual([ErrorCode.INVALID_CONN, 'invalid connection pointer in virConnectUnregisterCloseCallback']);
  });

  it('the driver gets one wrapper per callback, calls it with the reason, and unregisters the same wrapper', async () => {
    const registered: DriverCloseCallback[] = [];
    const unregistered: DriverCloseCallback[] = [];
    const conn = new Connection({
      hypervisor: {
        connectRegisterCloseCallback: async (cb) => void registered.push(cb),
        connectUnregisterCloseCallback: async (cb) => void unregistered.push(cb),
      },
      close: async () => undefined,
    }, 'x+unix:///', true);
    const seen: Array<[Connection, number]> = [];
    const cb = (c: Connection, r: number) => void seen.push([c, r]);
    await conn.registerCloseCallback(cb); // read-only connections may register too
    await conn.unregisterCloseCallback(cb);
    expect(unregistered).toEqual([registered[0]]);
    await conn.unregisterCloseCallback(cb); // no longer registered: a stand-in the driver refuses
    expect(unregistered[1]).not.toBe(registered[0]);
    await conn.registerCloseCallback(cb);
    registered[1]!(ConnectCloseReason.KEEPALIVE);
    expect(seen).toEqual([[conn, ConnectCloseReason.KEEPALIVE]]);
  });

  it('a driver connection that closes by itself ends the event streams', async () => {
    let closeBy!: (r: ConnectCloseReason) => void;
    const driver: DriverConnection = {
      hypervisor: {}, events: quietEvents, closed: new Promise((r) => (closeBy = r)), close: async () => undefined,
    };
    const conn = new Connection(driver, 'x+unix:///', false);
    const pending = conn.domainEvents().next();
    closeBy(ConnectCloseReason.EOF);
    expect(await pending).toEqual({ value: undefined, done: true });
  });
});
