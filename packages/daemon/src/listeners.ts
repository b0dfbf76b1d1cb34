import { chmod, mkdir, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { systemError } from '@tsvirt/util';
import type { TcpEndpoint } from './options.js';

/** How a client reached the daemon. */
export interface ListenerKind {
  /** Every modifying call is refused (the `-ro` socket). */
  readonly readonly: boolean;
  /** Where it listens, for logs. */
  readonly address: string;
}

export type AcceptHandler = (socket: Socket, kind: ListenerKind) => void;

/** An open listening socket. */
export interface Listener extends ListenerKind {
  close(): Promise<void>;
}

function listenOn(server: Server, target: string | { host: string; port: number }): Promise<void> {
  return new Promise((ok, fail) => {
    server.once('error', fail);
    server.listen(target, () => {
      server.off('error', fail);
      ok();
    });
  });
}

/**
 * A unix socket with libvirt's permissions (0700 read-write: root only; 0777 read-only). The umask
 * is tightened while binding so the socket never exists with wider access than it ends with; any
 * file left at the path is stale, since the caller holds the root's instance lock.
 */
export async function listenUnix(path: string, readonly: boolean, mode: number, onAccept: AcceptHandler): Promise<Listener> {
  const kind = { readonly, address: path };
  const server = createServer({ pauseOnConnect: true }, (s) => onAccept(s, kind));
  await rm(path, { force: true });
  const old = process.umask(0o077);
  try {
    await listenOn(server, path);
  } catch (e) {
    throw systemError(`Failed to bind socket to '${path}'`, e as NodeJS.ErrnoException);
  } finally {
    process.umask(old);
  }
  await chmod(path, mode);
  return {
    ...kind,
    close: () => new Promise<void>((ok) => server.close(() => ok())).then(() => rm(path, { force: true })),
  };
}

/** A TCP listener (auth none, read-write: for loopback and tests, as libvirtd's `auth_tcp = "none"`). */
export async function listenTcp(ep: TcpEndpoint, onAccept: AcceptHandler): Promise<Listener & { port: number }> {
  const kind = { readonly: false, address: `tcp://${ep.host}:${ep.port}` };
  const server = createServer({ pauseOnConnect: true, noDelay: true }, (s) => onAccept(s, kind));
  try {
    await listenOn(server, { host: ep.host, port: ep.port });
  } catch (e) {
    throw systemError(`Failed to bind socket to '${kind.address}'`, e as NodeJS.ErrnoException);
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : ep.port;
  return { ...kind, address: `tcp://${ep.host}:${port}`, port, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** Makes the socket directory (0755, as libvirt's run directory). */
export async function makeSocketDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
}
