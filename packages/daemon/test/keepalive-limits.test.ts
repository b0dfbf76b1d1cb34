import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeError, encodeCall, encodeEvent, keepalive, keepalive_program, remote, remote_program, virnet, type Frame } from '@tsvirt/remote/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, Daemon, parseDaemonArgs, type ServerLimits } from '../src/index.js';
import { RawClient } from './helpers/raw-client.js';
import { waitFor } from './helpers/daemon-process.js';

/** libvirt's VIR_DRV_FEATURE_PROGRAM_KEEPALIVE: a client asking it speaks keepalive. */
const PROGRAM_KEEPALIVE = 10;
/** Narrowed so that the rules show within seconds: ping each second, drop after 2 unanswered. */
const LIMITS: ServerLimits = { ...DEFAULT_LIMITS, maxClients: 4, keepaliveInterval: 1, keepaliveCount: 2, maxPendingOutput: 64 * 1024 };

const isPing = (f: Frame) => f.header.prog === keepalive.KEEPALIVE_PROGRAM && f.header.proc === keepalive.KEEPALIVE_PROC_PING && f.header.type === virnet.VIR_NET_MESSAGE;
const isPong = (f: Frame) => f.header.prog === keepalive.KEEPALIVE_PROGRAM && f.header.proc === keepalive.KEEPALIVE_PROC_PONG && f.header.type === virnet.VIR_NET_MESSAGE;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Waits for the daemon's client count to reach `cond`, for at most 30 s. */
const until = (cond: () => boolean): Promise<void> => waitFor(cond, 30_000, "the daemon's client count");

async function openedClient(sock: string, askKeepalive: boolean): Promise<RawClient> {
  const c = await RawClient.open(sock);
  if (askKeepalive) {
    const r = (await c.call(remote.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, { feature: PROGRAM_KEEPALIVE, flags: 0 })) as remote.remote_connect_supports_feature_ret;
    expect(r.supported).toBe(1);
  }
  await c.openConnection('test:///default');
  return c;
}

async function listed(c: RawClient): Promise<string[]> {
  const r = (await c.call(remote.REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS, { need_results: 1, flags: 0 })) as remote.remote_connect_list_all_domains_ret;
  return r.domains.map((d) => d.name);
}

// An in-process daemon: its limits are narrowed here, which the command line cannot do.
describe('keepalive and the server limits (libvirtd\'s keepalive_interval/count, max_clients, output queued)', () => {
  let dir: string;
  let daemon: Daemon;
  let rw: string;
  const clients: RawClient[] = [];
  const client = async (keep: boolean) => {
    const c = await openedClient(rw, keep);
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `tsvirtd-keepalive-${process.pid}-`));
    const cmd = parseDaemonArgs(['--root', join(dir, 'root'), '--socket-dir', dir]);
    if (cmd.kind !== 'run') throw new Error('parse');
    daemon = await Daemon.start(cmd.options, LIMITS);
    rw = daemon.addresses.rw;
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a client that asked for keepalive is pinged, answers, and stays; its own ping gets a pong', async () => {
    const c = await client(true);
    const answered = setInterval(() => {
      while (c.frames.some(isPing)) {
        c.frames.splice(c.frames.findIndex(isPing), 1);
        c.socket.write(encodeEvent(keepalive_program, keepalive.KEEPALIVE_PROC_PONG, undefined));
      }
    }, 100);
    try {
      await c.next(isPing, 5_000).then((f) => c.frames.push(f));
      c.socket.write(encodeEvent(keepalive_program, keepalive.KEEPALIVE_PROC_PING, undefined));
      await c.next(isPong, 5_000);
      // three times interval × count, answering each ping: still served
      await sleep(6_000);
      expect(c.isClosed).toBe(false);
      expect(await listed(c)).toEqual(['test']);
    } finally {
      clearInterval(answered);
      c.close();
    }
  }, 30_000);

  it('a client that asked for keepalive and falls silent is dropped after interval × count; the others stay', async () => {
    const silent = await client(true);
    const other = await client(false);
    const t0 = Date.now();
    await silent.next(isPing, 5_000);
    await silent.closed;
    // dropped after count unanswered pings, not before: at least interval × count
    expect(Date.now() - t0).toBeGreaterThanOrEqual(LIMITS.keepaliveInterval * LIMITS.keepaliveCount * 1000 - 1100);
    expect(await listed(other)).toEqual(['test']);
    other.close();
  }, 30_000);

  it('a client that never asked is never pinged nor dropped for silence', async () => {
    const quiet = await client(false);
    await sleep(4_000);
    expect(quiet.frames.filter(isPing)).toEqual([]);
    expect(quiet.isClosed).toBe(false);
    expect(await listed(quiet)).toEqual(['test']);
    quiet.close();
  }, 30_000);

  it('past max_clients a new client is closed at once; once one leaves, the next is served', async () => {
    await until(() => daemon.clientCount === 0);
    const held = await Promise.all(Array.from({ length: LIMITS.maxClients }, () => client(false)));
    const extra = await RawClient.open(rw);
    await extra.closed;
    expect(extra.isClosed).toBe(true);
    for (const c of held) expect(await listed(c)).toEqual(['test']);
    held[0]!.close();
    await held[0]!.closed;
    await until(() => daemon.clientCount < LIMITS.maxClients);
    const next = await client(false);
    expect(await listed(next)).toEqual(['test']);
    for (const c of [...held, next]) c.close();
  }, 30_000);

  it('a client that never reads its replies is dropped once more than the output limit waits for it', async () => {
    await until(() => daemon.clientCount === 0);
    const greedy = await client(false);
    const other = await client(false);
    const dom = { name: 'test', uuid: new Uint8Array(16), id: 1 };
    const look = (await greedy.call(remote.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME, { name: 'test' })) as remote.remote_domain_lookup_by_name_ret;
    Object.assign(dom, look.dom);
    const before = daemon.clientCount;
    greedy.socket.pause();
    const calls = Array.from({ length: 4000 }, (_, i) => encodeCall(remote_program, remote.REMOTE_PROC_DOMAIN_GET_XML_DESC, 1000 + i, { dom, flags: 0 }));
    greedy.socket.write(Buffer.concat(calls));
    // the client reads nothing, so its own socket cannot see the end: the daemon's count shows the drop
    await until(() => daemon.clientCount < before);
    greedy.close();
    expect(await listed(other)).toEqual(['test']);
    other.close();
  }, 60_000);

  it('a frame of exactly libvirt\'s maximum (32 MiB + 4) is read and answered, and the client stays', async () => {
    await until(() => daemon.clientCount === 0);
    const c = await client(false);
    // one string filling the frame: over REMOTE_STRING_MAX (4 MiB), so the call itself is refused
    const payloadLength = 32 * 1024 * 1024 + 4 - 28;
    const payload = new Uint8Array(payloadLength).fill(0x61);
    new DataView(payload.buffer).setUint32(0, payloadLength - 4);
    const reply = await c.callRaw(remote.REMOTE_PROC_DOMAIN_DEFINE_XML, payload);
    expect(reply.header.status).toBe(virnet.VIR_NET_ERROR);
    expect(decodeError(reply.payload).message).toMatch(/^Unable to decode message payload/);
    expect(c.isClosed).toBe(false);
    expect(await listed(c)).toEqual(['test']);
    c.close();
  }, 60_000);
});
