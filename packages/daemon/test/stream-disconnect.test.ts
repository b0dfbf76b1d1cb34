import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeCall, encodeStreamData, remote, remote_program, virnet, type MessageHeader } from '@tsvirt/remote/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';
import { RawClient } from './helpers/raw-client.js';

const rssKiB = (pid: number): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
const MiB = 1024 * 1024;
/** The volume streamed: larger than what the socket buffers hold, so a transfer is cut while running. */
const VOLUME_BYTES = 48 * MiB;

type Vol = remote.remote_nonnull_storage_vol;

/** A client of the embed root's storage: opened, with the test's directory pool. */
async function storageClient(sock: string): Promise<RawClient> {
  const c = await RawClient.open(sock);
  await c.openConnection('qemu:///system');
  return c;
}

async function volume(c: RawClient, name: string): Promise<Vol> {
  const { pool } = (await c.call(remote.REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME, { name: 'streams' })) as remote.remote_storage_pool_lookup_by_name_ret;
  await c.call(remote.REMOTE_PROC_STORAGE_POOL_REFRESH, { pool, flags: 0 });
  const r = (await c.call(remote.REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME, { pool, name })) as remote.remote_storage_vol_lookup_by_name_ret;
  return r.vol;
}

/** The daemon still serves: another client lists the pool's volumes and deletes one (no transfer holds it). */
async function servesAndDeletes(sock: string, name: string): Promise<void> {
  const c = await storageClient(sock);
  try {
    const vol = await volume(c, name);
    await c.call(remote.REMOTE_PROC_STORAGE_VOL_DELETE, { vol, flags: 0 });
  } finally {
    c.close();
  }
}

describe('a client that disconnects in the middle of a stream', () => {
  let d: DaemonProcess;
  let poolDir: string;
  beforeAll(async () => {
    d = await startDaemon();
    poolDir = join(d.dir, 'pool');
    mkdirSync(poolDir);
    const c = await storageClient(d.rw);
    await c.call(remote.REMOTE_PROC_STORAGE_POOL_CREATE_XML, {
      xml: `<pool type='dir'><name>streams</name><target><path>${poolDir}</path></target></pool>`, flags: 0,
    });
    c.close();
  }, 120_000);
  afterAll(async () => d?.dispose());

  it('mid-download: the transfer stops, memory stays put, the volume is free and the others are served', async () => {
    writeFileSync(join(poolDir, 'down.img'), Buffer.alloc(VOLUME_BYTES, 0x5a));
    const c = await storageClient(d.rw);
    const vol = await volume(c, 'down.img');
    const before = rssKiB(d.child.pid!);
    const reply = await c.call(remote.REMOTE_PROC_STORAGE_VOL_DOWNLOAD, { vol, offset: 0n, length: 0n, flags: 0 });
    expect(reply).toBeUndefined();
    // the data flows: some of it arrives, then the client vanishes without reading the rest
    await c.next((f) => f.header.type === virnet.VIR_NET_STREAM && f.header.status === virnet.VIR_NET_CONTINUE);
    c.close();
    await servesAndDeletes(d.rw, 'down.img');
    // the daemon did not read the rest of the volume into memory for a client that is gone
    expect(rssKiB(d.child.pid!) - before).toBeLessThan(VOLUME_BYTES / 1024 / 2);
  }, 120_000);

  it('mid-upload: the transfer is abandoned, memory stays put, the daemon keeps serving, and the volume can go', async () => {
    writeFileSync(join(poolDir, 'up.img'), Buffer.alloc(VOLUME_BYTES));
    const c = await storageClient(d.rw);
    const vol = await volume(c, 'up.img');
    const before = rssKiB(d.child.pid!);
    const serial = 1000;
    c.socket.write(encodeCall(remote_program, remote.REMOTE_PROC_STORAGE_VOL_UPLOAD, serial, { vol, offset: 0n, length: 0n, flags: 0 }));
    await c.next((f) => f.header.serial === serial && f.header.type === virnet.VIR_NET_REPLY);
    const h: MessageHeader = {
      prog: remote.REMOTE_PROGRAM, vers: remote.REMOTE_PROTOCOL_VERSION, proc: remote.REMOTE_PROC_STORAGE_VOL_UPLOAD,
      type: virnet.VIR_NET_STREAM, serial, status: virnet.VIR_NET_CONTINUE,
    };
    // data frames sent without waiting, as a streaming client does, then half a frame, then gone
    for (let i = 0; i < 8; i++) c.socket.write(encodeStreamData(h, new Uint8Array(256 * 1024).fill(0x33)));
    c.socket.write(encodeStreamData(h, new Uint8Array(256 * 1024)).subarray(0, 100_000));
    c.close();
    await c.closed;
    await servesAndDeletes(d.rw, 'up.img');
    expect(rssKiB(d.child.pid!) - before).toBeLessThan(VOLUME_BYTES / 1024 / 2);
  }, 120_000);
});
