import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, isStreamHole, type Connection, type StoragePool } from '@tsvirt/api';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';
import { startProxy } from './helpers/proxy.js';

const suite = daemonSuite('stream tests');

/** `nobody`: a session libvirtd with its storage driver keeps its state in its own directories. */
const NOBODY = 65534;

async function collect(chunks: AsyncIterable<unknown>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(isStreamHole(c) ? Buffer.alloc(Number(c.length)) : Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

suite('volume upload and download through libvirtd\'s storage driver', { timeout: 60_000 }, () => {
  let daemon: PrivateLibvirtd;
  let conn: Connection;
  let pool: StoragePool;
  let uri: string;
  beforeAll(async () => {
    daemon = await startLibvirtd('', { drivers: ['storage'], uid: NOBODY });
    uri = `storage+unix:///session?socket=${daemon.socket}`;
    const dir = join(daemon.dir, 'pool');
    mkdirSync(dir);
    execFileSync('chown', [String(NOBODY), dir]);
    conn = await connect(uri);
    pool = await conn.storagePoolCreateXML(`<pool type='dir'><name>streams</name><target><path>${dir}</path></target></pool>`);
  });
  afterAll(async () => {
    await conn?.close();
    await daemon?.stop();
  });

  it('uploads 3 MiB in packets of libvirt\'s size and downloads the same bytes; virsh agrees', async () => {
    const vol = await pool.createXML(`<volume><name>data.img</name><capacity unit='M'>4</capacity><target><format type='raw'/></target></volume>`);
    const data = randomBytes(3 * 1024 * 1024 + 123);
    await vol.upload((async function* () {
      for (let at = 0; at < data.length; at += 1_000_000) yield data.subarray(at, at + 1_000_000);
    })(), 0n, BigInt(data.length));
    const back = await collect(await vol.download(0n, BigInt(data.length)));
    expect(back.equals(data)).toBe(true);
    const file = join(daemon.dir, 'virsh-download');
    execFileSync('virsh', ['-c', uri, 'vol-download', '--pool', 'streams', 'data.img', file, '--length', String(data.length)], { timeout: 60_000, killSignal: 'SIGKILL' });
    expect(readFileSync(file).equals(data)).toBe(true);
    // a part from an offset
    const part = await collect(await vol.download(1000n, 5000n));
    expect(part.equals(data.subarray(1000, 6000))).toBe(true);
  });

  it('a download stopped early aborts the stream; the connection goes on', async () => {
    const vol = await pool.storageVolLookupByName('data.img');
    const stream = await vol.download();
    for await (const chunk of stream) {
      expect(chunk).toBeDefined();
      break;
    }
    expect((await pool.listAllVolumes()).map((v) => v.getName())).toContain('data.img');
  });

  it('a stream error from the daemon is the call\'s error', async () => {
    const vol = await pool.storageVolLookupByName('data.img');
    // 10 bytes where 5 were announced: the daemon fails the stream
    const e = await vol.upload((async function* () { yield new Uint8Array(10); })(), 0n, 5n).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'VirError', message: 'cannot write to stream: No space left on device' });
    expect((await pool.listAllVolumes()).length).toBe(1);
  });

  it('flow control: a download stops reading while its consumer lags, an upload waits for the socket', async () => {
    const MiB = 1024 * 1024;
    const data = randomBytes(24 * MiB);
    const file = join(daemon.dir, 'pool', 'big.img');
    writeFileSync(file, data);
    chownSync(file, NOBODY, NOBODY);
    await pool.refresh();
    // a proxy that buffers without bound what the client does not take
    const proxy = await startProxy(daemon.socket);
    const slow = await connect(`storage+unix:///session?socket=${proxy.socket}`);
    try {
      const vol = await (await slow.storagePoolLookupByName('streams')).storageVolLookupByName('big.img');
      const chunks = (await vol.download())[Symbol.asyncIterator]();
      const first = await chunks.next();
      // the daemon sends all it has; the client takes RpcClient's 4 MiB high-water mark, a packet
      // more and what the kernel holds, then waits for its consumer
      for (let i = 0; i < 200 && proxy.toClients().waiting < 16 * MiB; i++) await sleep(50);
      await sleep(300);
      const { taken, waiting } = proxy.toClients();
      expect(waiting).toBeGreaterThanOrEqual(16 * MiB);
      expect(taken).toBeLessThan(5 * MiB);
      const parts = [Buffer.from(first.value as Uint8Array)];
      for (let c = await chunks.next(); !c.done; c = await chunks.next()) parts.push(Buffer.from(c.value as Uint8Array));
      expect(Buffer.concat(parts).equals(data)).toBe(true);

      // once the upload started, the proxy stops reading what the client sends: the upload pulls
      // no more than the socket takes
      const target = await (await slow.storagePoolLookupByName('streams')).createXML(
        `<volume><name>up.img</name><capacity unit='M'>24</capacity><target><format type='raw'/></target></volume>`);
      let pulled = 0;
      let started!: () => void;
      const held = new Promise<void>((r) => (started = r));
      const upload = target.upload((async function* () {
        for (let at = 0; at < data.length; at += 256 * 1024) {
          if (at === 0) {
            proxy.holdClients(true);
            started();
          }
          pulled += 256 * 1024;
          yield data.subarray(at, at + 256 * 1024);
        }
      })(), 0n, BigInt(data.length));
      await held;
      await sleep(1000);
      expect(pulled).toBeLessThan(4 * MiB);
      proxy.holdClients(false);
      await upload;
      expect(pulled).toBe(data.length);
      expect((await collect(await target.download())).equals(data)).toBe(true);
    } finally {
      await slow.close();
      await proxy.close();
    }
  });
});
