import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, ErrorCode, ErrorDomain } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';
import { REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME } from '../src/generated/remote-protocol.js';
import { startProxy, type Proxy } from './helpers/proxy.js';

const suite = daemonSuite('fault tests');

const procOf = (f: Uint8Array) => new DataView(f.buffer, f.byteOffset).getInt32(12);
const isLookupReply = (f: Uint8Array) => procOf(f) === REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME;

suite('faults: a clear VirError each, no hang', () => {
  let daemon: PrivateLibvirtd;
  let proxy: Proxy;
  beforeAll(async () => {
    daemon = await startLibvirtd();
    proxy = await startProxy(daemon.socket);
  });
  afterAll(async () => {
    await proxy?.close();
    await daemon?.stop();
  });
  const viaProxy = () => connect(`test+unix:///default?socket=${proxy.socket}`);

  it('a truncated reply: the call fails with end of file, later calls with a closed socket', async () => {
    const conn = await viaProxy();
    proxy.mangle = (f, client) => {
      if (!isLookupReply(f)) return null;
      client.end(f.subarray(0, f.length - 5));
      return new Uint8Array(0);
    };
    const e = await virErrorOf(conn.lookupByName('test'));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC, 'End of file while reading data: Input/output error']);
    const after = await virErrorOf(conn.lookupByName('test'));
    expect([after.code, after.message]).toEqual([ErrorCode.INTERNAL_ERROR, 'internal error: client socket is closed']);
    proxy.mangle = null;
  });

  it('an oversized reply is refused from its length word, before anything is buffered', async () => {
    const conn = await viaProxy();
    proxy.mangle = (f) => (isLookupReply(f) ? Uint8Array.of(0x7f, 0xff, 0xff, 0xff) : null);
    const e = await virErrorOf(conn.lookupByName('test'));
    expect([e.code, e.domain, e.message]).toEqual([
      ErrorCode.INTERNAL_ERROR,
      ErrorDomain.RPC,
      'internal error: packet 2147483647 bytes received from server too large, want 33554436',
    ]);
    proxy.mangle = null;
  });

  it('a reply with an unknown serial closes the connection with the reason', async () => {
    const conn = await viaProxy();
    proxy.mangle = (f) => {
      if (!isLookupReply(f)) return null;
      const copy = f.slice();
      new DataView(copy.buffer).setUint32(20, 999999);
      return copy;
    };
    const e = await virErrorOf(conn.lookupByName('test'));
    expect(e.message).toMatch(/^internal error: no call waiting for reply with prog 536903814 vers 1 serial 999999$/);
    proxy.mangle = null;
  });

  it('a daemon killed mid-call: the call fails with the reset or end of file, then the connection is closed', async () => {
    const own = await startLibvirtd();
    try {
      const conn = await connect(own.uri);
      own.process.kill('SIGSTOP');
      const pending = virErrorOf(conn.lookupByName('test'));
      await new Promise((r) => setTimeout(r, 100));
      own.process.kill('SIGKILL');
      const e = await pending;
      // the kernel resets a socket with unread data when its process dies; else the end of file
      expect([e.code, e.domain]).toEqual([ErrorCode.SYSTEM_ERROR, ErrorDomain.RPC]);
      expect(e.message).toMatch(/^(End of file while reading data: Input\/output error|Cannot recv data: Connection reset by peer)$/);
      const after = await virErrorOf(conn.lookupByName('test'));
      expect(after.message).toBe('internal error: client socket is closed');
    } finally {
      await own.stop();
    }
  });

  it('a daemon that stops answering keepalives is closed after interval × count', async () => {
    const own = await startLibvirtd();
    try {
      const conn = await connect(`${own.uri}&keepalive_interval=1&keepalive_count=1`);
      own.process.kill('SIGSTOP');
      const e = await virErrorOf(conn.lookupByName('test'));
      expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INTERNAL_ERROR, ErrorDomain.RPC, 'internal error: connection closed due to keepalive timeout']);
    } finally {
      own.process.kill('SIGCONT');
      await own.stop();
    }
  }, 15_000);
});
