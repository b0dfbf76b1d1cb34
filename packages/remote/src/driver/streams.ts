/**
 * Consoles, screenshots, volume upload and download over libvirt's stream packets: data frames of at most libvirt's
 * legacy payload size, holes for sparse streams, the finish handshake both ways, an abort when
 * the consumer stops early. Flow control: a download stops reading the socket while its consumer
 * lags (RpcClient's high-water mark); an upload waits for the socket to drain.
 */
import { Duplex, Readable } from 'node:stream';
import type { DomainRef, StorageVolRef } from '@tsvirt/api';
import { isStreamHole, StreamHole, type StreamChunk, type VirError } from '@tsvirt/util';
import {
  REMOTE_PROC_DOMAIN_OPEN_CONSOLE,
  REMOTE_PROC_DOMAIN_SCREENSHOT,
  REMOTE_PROC_STORAGE_VOL_DOWNLOAD,
  REMOTE_PROC_STORAGE_VOL_UPLOAD,
  remote_nonnull_domain,
  remote_nonnull_storage_vol,
} from '../generated/remote-protocol.js';
import { VIR_NET_CONTINUE, VIR_NET_ERROR, VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX, VIR_NET_OK, VIR_NET_STREAM_HOLE } from '../generated/virnet-protocol.js';
import type { RpcClient, StreamSink } from '../client/rpc-client.js';
import { remote_program } from '../protocol/programs.js';
import { XdrWriter, type Codec } from '../protocol/xdr.js';
import { toWire } from './convert.js';
import type { RemoteCall } from './entry-points.js';

/** VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM / VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM. */
const SPARSE = 1;

/** What a stream's consumer waits on: chunks, then the end or an error. */
class ChunkQueue implements StreamSink {
  private readonly chunks: StreamChunk[] = [];
  private finished = false;
  private error: VirError | null = null;
  private wake: (() => void) | null = null;
  constructor(private readonly onEnd: (() => Promise<void>) | null = null) {}

  data(chunk: Uint8Array): void {
    this.chunks.push(chunk);
    this.notify();
  }
  hole(length: bigint): void {
    this.chunks.push(new StreamHole(length));
    this.notify();
  }
  end(): void {
    const done = () => {
      this.finished = true;
      this.notify();
    };
    if (this.onEnd) this.onEnd().then(done, (e: VirError) => this.fail(e));
    else done();
  }
  fail(err: VirError): void {
    this.error = err;
    this.notify();
  }
  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
  /** The next chunk, or null at the end; throws the stream's error. */
  async next(): Promise<StreamChunk | null> {
    for (;;) {
      const c = this.chunks.shift();
      if (c) return c;
      if (this.error) throw this.error;
      if (this.finished) return null;
      await new Promise<void>((r) => (this.wake = r));
    }
  }
}

/** A finish or abort packet, and the server's confirmation of it. */
function finish(client: RpcClient, serial: number, proc: number, status: number): Promise<void> {
  const confirmed = new ChunkQueue();
  client.watchStream(serial, confirmed);
  return client.sendStreamData(remote_program, proc, serial, null, status).then(async () => {
    while ((await confirmed.next()) !== null);
  });
}

function holeFrame(length: bigint): Uint8Array {
  const w = new XdrWriter(16);
  w.hyper(length);
  w.uint(0);
  return w.result().slice();
}

const vol = (v: StorageVolRef): unknown => toWire(remote_nonnull_storage_vol as Codec<unknown>, v);
const domain = (d: DomainRef): unknown => toWire(remote_nonnull_domain as Codec<unknown>, d);

/**
 * Calls a procedure whose data the server sends after its reply: the reply, and the data as an
 * iterable that confirms the server's end of file, or aborts the stream when its consumer stops early.
 */
async function download(client: RpcClient, proc: number, args: unknown): Promise<{ ret: unknown; chunks: AsyncGenerator<StreamChunk> }> {
  let queue: ChunkQueue | undefined;
  const { serial, ret } = await client.callStream(remote_program, proc, args, (s) => (queue = new ChunkQueue(() => finish(client, s, proc, VIR_NET_OK))));
  const chunks = queue!;
  return {
    ret,
    chunks: (async function* () {
      let done = false;
      try {
        for (let c = await chunks.next(); c !== null; c = await chunks.next()) {
          if (!isStreamHole(c)) client.streamConsumed(c.length);
          yield c;
        }
        done = true;
      } finally {
        // the consumer stopped early: tell the server to stop sending
        if (!done && client.alive) {
          client.forgetStream(serial);
          await client.sendStreamData(remote_program, proc, serial, null, VIR_NET_ERROR).catch(() => undefined);
        }
      }
    })(),
  };
}

export function streamOverrides(client: RpcClient) {
  return {
    /** A console: a stream both ways; ending our side sends the finish, an error aborts. */
    async domainOpenConsole(_call: RemoteCall, d: DomainRef, devName: string | undefined, flags: number) {
      const proc = REMOTE_PROC_DOMAIN_OPEN_CONSOLE;
      let serial = 0;
      const duplex = new Duplex({
        read: () => undefined,
        write(chunk: Buffer, _enc, done) {
          client.sendStreamData(remote_program, proc, serial, chunk).then(() => done(), done);
        },
        final(done) {
          finish(client, serial, proc, VIR_NET_OK).then(() => done(), done);
        },
        destroy(err, done) {
          if (client.alive && serial) void client.sendStreamData(remote_program, proc, serial, null, VIR_NET_ERROR).catch(() => undefined);
          client.forgetStream(serial);
          done(err);
        },
      });
      const sink: StreamSink = {
        data: (c) => {
          duplex.push(c);
          client.streamConsumed(c.length);
        },
        hole: () => undefined,
        end: () => duplex.push(null),
        fail: (e) => duplex.destroy(e),
      };
      ({ serial } = await client.callStream(remote_program, proc, { dom: domain(d), dev_name: devName ?? null, flags }, () => sink));
      return duplex;
    },

    storageVolDownload(_call: RemoteCall, v: StorageVolRef, offset: bigint, length: bigint, flags: number) {
      return download(client, REMOTE_PROC_STORAGE_VOL_DOWNLOAD, { vol: vol(v), offset, length, flags }).then((d) => d.chunks);
    },

    /** The image follows the reply (its MIME type) as a download stream. */
    async domainScreenshot(_call: RemoteCall, d: DomainRef, screen: number, flags: number) {
      const { ret, chunks } = await download(client, REMOTE_PROC_DOMAIN_SCREENSHOT, { dom: domain(d), screen, flags });
      const bytes = (async function* () {
        for await (const c of chunks) if (!isStreamHole(c)) yield c;
      })();
      return { mimeType: (ret as { mime: string | null }).mime ?? '', stream: Readable.from(bytes, { objectMode: false }) };
    },

    async storageVolUpload(_call: RemoteCall, v: StorageVolRef, data: AsyncIterable<StreamChunk>, offset: bigint, length: bigint, flags: number) {
      const proc = REMOTE_PROC_STORAGE_VOL_UPLOAD;
      // the server may fail the stream at any time: its error ends the upload
      let failure: VirError | null = null;
      const watch: StreamSink = { data: () => undefined, hole: () => undefined, end: () => undefined, fail: (e) => (failure = e) };
      const { serial } = await client.callStream(remote_program, proc, { vol: vol(v), offset, length, flags }, () => watch);
      try {
        for await (const chunk of data) {
          if (failure) throw failure;
          if (isStreamHole(chunk)) {
            if (flags & SPARSE) await client.sendStreamData(remote_program, proc, serial, holeFrame(chunk.length), VIR_NET_CONTINUE, VIR_NET_STREAM_HOLE);
            else for (let left = chunk.length; left > 0n; ) {
              const n = left > BigInt(VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX) ? VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX : Number(left);
              await client.sendStreamData(remote_program, proc, serial, new Uint8Array(n));
              left -= BigInt(n);
            }
            continue;
          }
          for (let at = 0; at < chunk.length; at += VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX) {
            await client.sendStreamData(remote_program, proc, serial, chunk.subarray(at, at + VIR_NET_MESSAGE_LEGACY_PAYLOAD_MAX));
          }
        }
      } catch (e) {
        if (client.alive) await client.sendStreamData(remote_program, proc, serial, null, VIR_NET_ERROR).catch(() => undefined);
        client.forgetStream(serial);
        throw e;
      }
      if (failure) throw failure;
      await finish(client, serial, proc, VIR_NET_OK);
    },
  };
}
