import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, expect, it } from 'vitest';
import { connect, ConnectCloseReason, ErrorCode, ErrorDomain, type Connection } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('close callback tests');
const FIXTURE = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'py-close-callback.py');

/** The reasons a connection's close callback was called with, and a promise of the first. */
function watchClose(conn: Connection): { reasons: number[]; first: Promise<number>; cb: (c: Connection, r: number) => void } {
  const reasons: number[] = [];
  let resolve!: (r: number) => void;
  const first = new Promise<number>((r) => (resolve = r));
  const cb = (c: Connection, r: number) => {
    expect(c).toBe(conn);
    reasons.push(r);
    resolve(r);
  };
  return { reasons, first, cb };
}

const settle = () => new Promise((r) => setTimeout(r, 200));

suite('the connection close callback (virConnectRegisterCloseCallback) against libvirtd', () => {
  const daemons: PrivateLibvirtd[] = [];
  const daemon = async () => {
    const d = await startLibvirtd();
    daemons.push(d);
    return d;
  };
  afterEach(async () => {
    for (const d of daemons.splice(0)) {
      d.process.kill('SIGCONT');
      await d.stop();
    }
  });

  it('a daemon killed -9: EOF, once, as python3-libvirt reports it; pending event iterators end', async () => {
    const d = await daemon();
    const conn = await connect(d.uri);
    const w = watchClose(conn);
    await conn.registerCloseCallback(w.cb);
    const events = conn.domainEvents();
    const pending = events.next();
    await conn.lookupByName('test'); // the event registration is done: nothing waits unread in the daemon
    d.process.kill('SIGKILL');
    expect(await w.first).toBe(ConnectCloseReason.EOF);
    expect(await pending).toEqual({ value: undefined, done: true });
    const e = await virErrorOf(conn.lookupByName('test'));
    expect(e.message).toBe('internal error: client socket is closed');
    await settle();
    expect(w.reasons).toEqual([ConnectCloseReason.EOF]);
    await conn.close();

    const oracle = await daemon();
    const py = spawnSync('/usr/bin/python3', [FIXTURE, oracle.uri, String(oracle.process.pid)], { encoding: 'utf8', timeout: 30_000 });
    expect(py.stdout).toBe(`reason ${ConnectCloseReason.EOF}\n`);
  });

  it('a daemon killed mid-call: the call fails and the callback tells why (EOF, or ERROR on a reset)', async () => {
    const d = await daemon();
    const conn = await connect(d.uri);
    const w = watchClose(conn);
    await conn.registerCloseCallback(w.cb);
    d.process.kill('SIGSTOP');
    const call = virErrorOf(conn.lookupByName('test'));
    await new Promise((r) => setTimeout(r, 100));
    d.process.kill('SIGKILL');
    const e = await call;
    const reason = await w.first;
    // the kernel resets a socket with unread data when its process dies: libvirt then says ERROR
    expect([e.message, reason]).toEqual(e.message.startsWith('Cannot recv data')
      ? ['Cannot recv data: Connection reset by peer', ConnectCloseReason.ERROR]
      : ['End of file while reading data: Input/output error', ConnectCloseReason.EOF]);
  });

  it('a daemon that stops answering keepalives: KEEPALIVE', async () => {
    const d = await daemon();
    const conn = await connect(`${d.uri}&keepalive_interval=1&keepalive_count=1`);
    const w = watchClose(conn);
    await conn.registerCloseCallback(w.cb);
    const events = conn.domainEvents();
    await conn.lookupByName('test');
    d.process.kill('SIGSTOP');
    expect(await w.first).toBe(ConnectCloseReason.KEEPALIVE);
    expect(await events.next()).toEqual({ value: undefined, done: true });
  }, 15_000);

  it('an explicit close does not call it (libvirt neither); an unregistered callback is not called', async () => {
    const d = await daemon();
    const conn = await connect(d.uri);
    const w = watchClose(conn);
    await conn.registerCloseCallback(w.cb);
    await conn.close();
    const other = await connect(d.uri);
    const v = watchClose(other);
    await other.registerCloseCallback(v.cb);
    await other.unregisterCloseCallback(v.cb);
    d.process.kill('SIGKILL');
    await settle();
    expect([w.reasons, v.reasons]).toEqual([[], []]);
  });

  it('libvirt\'s refusals: one callback at a time, only the registered one unregisters, a closed connection', async () => {
    const d = await daemon();
    const conn = await connect(d.uri);
    const w = watchClose(conn);
    await conn.registerCloseCallback(w.cb);
    const twice = await virErrorOf(conn.registerCloseCallback(() => undefined));
    expect([twice.code, twice.domain, twice.message]).toEqual([
      ErrorCode.OPERATION_INVALID, ErrorDomain.REMOTE, 'Requested operation is not valid: A close callback is already registered',
    ]);
    const other = await virErrorOf(conn.unregisterCloseCallback(() => undefined));
    expect([other.code, other.message]).toEqual([ErrorCode.OPERATION_INVALID, 'Requested operation is not valid: A different callback was requested']);
    const bad = await virErrorOf(conn.registerCloseCallback(undefined as never));
    expect([bad.code, bad.message]).toEqual([ErrorCode.INVALID_ARG, 'invalid argument: cb in virConnectRegisterCloseCallback must not be NULL']);
    await conn.unregisterCloseCallback(w.cb);
    await conn.registerCloseCallback(w.cb);
    await conn.close();
    const closed = await virErrorOf(conn.registerCloseCallback(w.cb));
    expect([closed.code, closed.message]).toEqual([ErrorCode.INVALID_CONN, 'invalid connection pointer in virConnectRegisterCloseCallback']);
  });
});
