import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { XdrReader, decodeError, decodeRet, encodeCall, remote, remote_program, virnet } from '@tsvirt/remote/protocol';
import { ErrorCode } from '@tsvirt/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modifies } from '../src/dispatch/readonly-rule.js';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';
import { RawClient } from './helpers/raw-client.js';

const rssKiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);

/** A client that does real work: the daemon must keep answering it whatever the others do. */
async function listDomains(sock: string): Promise<string[]> {
  const c = await RawClient.open(sock);
  try {
    await c.openConnection('test:///default');
    const r = (await c.call(remote.REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 })) as remote.remote_connect_list_all_domains_ret;
    return r.domains.map((d) => d.name);
  } finally {
    c.close();
  }
}

function rawSocket(path: string, bytes: Uint8Array): Promise<{ closed: Promise<void> }> {
  return new Promise((ok) => {
    const s = connect(path, () => {
      s.write(bytes);
      ok({ closed: new Promise((r) => s.once('close', () => r())) });
    });
    s.on('error', () => undefined);
  });
}

describe('hostile and faulty clients', () => {
  let d: DaemonProcess;
  beforeAll(async () => {
    d = await startDaemon();
  });
  afterAll(async () => d?.dispose());

  it('garbage bytes: that client is dropped, the others are served', async () => {
    const bad = await rawSocket(d.rw, new Uint8Array(64).fill(0x41));
    await bad.closed;
    expect(await listDomains(d.rw)).toEqual(['test']);
  });

  it('a length word of 4 GiB: dropped before anything is buffered, memory stays put', async () => {
    await listDomains(d.rw); // the test driver loaded: only what the bad clients cost is measured
    const before = rssKiB(d.child.pid!);
    const bad = await rawSocket(d.rw, Uint8Array.of(0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4));
    await bad.closed;
    const just = await rawSocket(d.rw, Uint8Array.of(0x02, 0x00, 0x00, 0x05)); // 32 MiB + 5: one over libvirt's limit
    await just.closed;
    expect(await listDomains(d.rw)).toEqual(['test']);
    expect(rssKiB(d.child.pid!) - before).toBeLessThan(16 * 1024);
  });

  it('half a message then silence: the others are served meanwhile', async () => {
    const half = await RawClient.open(d.rw);
    half.socket.write(Uint8Array.of(0, 0, 0, 200, 0x20, 0x00));
    expect(await listDomains(d.rw)).toEqual(['test']);
    expect(half.isClosed).toBe(false);
    half.close();
  });

  it('a client that disconnects in the middle of its calls', async () => {
    for (let i = 0; i < 20; i++) {
      const c = await RawClient.open(d.rw);
      await c.openConnection('test:///default');
      void c.call(remote.REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 }).catch(() => undefined);
      c.close();
    }
    expect(await listDomains(d.rw)).toEqual(['test']);
  });

  it('an unknown program, an unknown procedure, undecodable arguments: libvirt\'s errors, the connection stays', async () => {
    const c = await RawClient.open(d.rw);
    await c.openConnection('test:///default');
    const unknown = await c.callRaw(9999, new Uint8Array());
    const unserved = await c.callRaw(remote.REMOTE_PROC_DOMAIN_IS_UPDATED, new Uint8Array(4 + 16 + 4));
    expect(decodeError(unserved.payload)).toMatchObject({ code: ErrorCode.NO_SUPPORT, message: 'this function is not supported by the connection driver: virDomainIsUpdated' });
    expect(unknown.header.status).toBe(virnet.VIR_NET_ERROR);
    expect(decodeError(unknown.payload)).toMatchObject({ code: ErrorCode.NO_SUPPORT, message: 'this function is not supported by the connection driver: unknown procedure: 9999' });
    const bad = await c.callRaw(remote.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, Uint8Array.of(0, 0, 0, 9, 65));
    expect(decodeError(bad.payload)).toMatchObject({ code: ErrorCode.RPC });
    expect(decodeError(bad.payload).message).toMatch(/^Unable to decode message payload/);
    expect(((await c.call(remote.REMOTE_PROC_CONNECT_GET_TYPE)) as { type: string }).type).toBe('TEST');
    c.close();
  });

  it('a call announcing descriptors (CALL_WITH_FDS) whose carrier bytes bring none drops the client, as libvirtd; so do more than 32', async () => {
    const withFds = (serial: number, nfds: number): Buffer => {
      const call = encodeCall(remote_program, remote.REMOTE_PROC_CONNECT_GET_TYPE, serial);
      const frame = Buffer.concat([call.subarray(0, 28), Buffer.from([0, 0, 0, nfds]), call.subarray(28)]);
      frame.writeUInt32BE(frame.length, 0);
      frame.writeInt32BE(virnet.VIR_NET_CALL_WITH_FDS, 16);
      return frame;
    };
    const c = await RawClient.open(d.rw);
    await c.openConnection('test:///default');
    // the announced descriptors' dummy bytes written plainly: no descriptor rides on them
    c.socket.write(Buffer.concat([withFds(900, 2), Buffer.alloc(2)]));
    await c.closed;
    const c2 = await RawClient.open(d.rw);
    await c2.openConnection('test:///default');
    c2.socket.write(withFds(902, 33));
    await c2.closed;
    expect(await listDomains(d.rw)).toEqual(['test']);
  });

  it('200 calls in one write: reading pauses past 5 in flight and resumes, every call answered in turn', async () => {
    const c = await RawClient.open(d.rw);
    await c.openConnection('test:///default');
    const serials = Array.from({ length: 200 }, (_, i) => 5000 + i);
    c.socket.write(Buffer.concat(serials.map((n) => encodeCall(remote_program, remote.REMOTE_PROC_CONNECT_GET_TYPE, n))));
    const replies = await Promise.all(serials.map((n) => c.next((f) => f.header.serial === n)));
    expect(replies.map((f) => decodeRet(f.header, f.payload))).toEqual(serials.map(() => ({ type: 'TEST' })));
    // and the client is still read afterwards
    expect(((await c.call(remote.REMOTE_PROC_CONNECT_GET_TYPE)) as { type: string }).type).toBe('TEST');
    c.close();
  });

  it('calls before CONNECT_OPEN: connection not open', async () => {
    const c = await RawClient.open(d.rw);
    await expect(c.call(remote.REMOTE_PROC_CONNECT_GET_TYPE)).rejects.toMatchObject({ code: ErrorCode.INTERNAL_ERROR, message: 'internal error: connection not open' });
    c.close();
  });

  it('500 clients at once, each opening a connection and listing', async () => {
    const results = await Promise.all(Array.from({ length: 500 }, () => listDomains(d.rw)));
    expect(results.every((r) => r.length === 1 && r[0] === 'test')).toBe(true);
  }, 120_000);

  it('a read-only client calling every write procedure of the remote program gets OPERATION_DENIED', async () => {
    const c = await RawClient.open(d.ro);
    await c.openConnection('test:///default');
    const writes = [...remote_program.procedures.values()].filter((p) => p.args && !p.event && modifies(p));
    const denied: string[] = [];
    const other: string[] = [];
    for (const p of writes) {
      // The shortest valid arguments: the codec's reading of zeros (empty strings, null pointers, 0).
      const r = new XdrReader(new Uint8Array(8192));
      try {
        p.args!.dec(r);
      } catch {
        other.push(`${p.name} (no zero encoding)`);
        continue;
      }
      const reply = await c.callRaw(p.number, new Uint8Array(r.pos));
      const err = reply.header.status === virnet.VIR_NET_ERROR ? decodeError(reply.payload) : undefined;
      if (err?.code === ErrorCode.OPERATION_DENIED) denied.push(p.name);
      else other.push(`${p.name}: ${err?.message ?? 'allowed'}`);
    }
    expect(other).toEqual([]);
    expect(denied.length).toBe(writes.length);
    console.log(`read-only socket: ${denied.length} write procedures refused with OPERATION_DENIED`);
    expect(await listDomains(d.ro)).toEqual(['test']);
    c.close();
  }, 120_000);
});
