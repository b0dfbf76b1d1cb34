/**
 * A unix-socket proxy in front of a real daemon, for the fault and flow-control tests: it passes
 * frames through, `mangle` may replace the bytes of a reply (truncate it, forge its length or
 * serial); it buffers what the client does not read, and can stop reading what the client sends.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FrameReader } from '../../src/protocol/frame-reader.js';

export interface Proxy {
  readonly socket: string;
  /** Replaces each server→client frame by what it returns (null: the frame passes). */
  mangle: ((frame: Uint8Array, client: net.Socket) => Uint8Array | null) | null;
  /** Bytes the clients took from the proxy (passed to the kernel), and bytes still waiting for them. */
  toClients(): { taken: number; waiting: number };
  /** Stops (true) or resumes reading what the clients send. */
  holdClients(hold: boolean): void;
  close(): Promise<void>;
}

export async function startProxy(upstream: string): Promise<Proxy> {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-proxy-${process.pid}-`));
  const socket = join(dir, 'sock');
  const conns = new Set<net.Socket>();
  const clients = new Set<net.Socket>();
  const proxy: Proxy = {
    socket,
    mangle: null,
    toClients: () => [...clients].reduce((t, c) => ({ taken: t.taken + c.bytesWritten - c.writableLength, waiting: t.waiting + c.writableLength }), { taken: 0, waiting: 0 }),
    holdClients: (hold) => clients.forEach((c) => (hold ? c.pause() : c.resume())),
    async close() {
      for (const c of conns) c.destroy();
      await new Promise((r) => server.close(r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  const server = net.createServer((client) => {
    const up = net.connect(upstream);
    conns.add(client).add(up);
    clients.add(client);
    const frames = new FrameReader();
    client.on('data', (d) => up.write(d));
    up.on('data', (d) => {
      for (const f of frames.push(d)) {
        const out = proxy.mangle?.(f, client) ?? f;
        if (!client.destroyed) client.write(out);
      }
    });
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.on('error', () => undefined);
    up.on('error', () => undefined);
  });
  await new Promise<void>((r) => server.listen(socket, r));
  return proxy;
}
