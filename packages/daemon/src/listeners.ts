import { chmod, mkdir, readFile, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import tls from 'node:tls';
import { logger, systemError } from '@tsvirt/util';
import type { TcpEndpoint } from './options.js';
import type { ListenerAuth } from './auth/client-auth.js';

/** How a client reached the daemon. */
export interface ListenerKind {
  /** Every modifying call is refused (the `-ro` socket). */
  readonly readonly: boolean;
  /** Where it listens, for logs. */
  readonly address: string;
  /** How its clients authenticate. */
  readonly auth: ListenerAuth;
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
 * while binding gives the socket its final mode at once, so it never exists with other access
 * than it ends with; any file left at the path is stale, since the caller holds the root's
 * instance lock.
 */
export async function listenUnix(path: string, readonly: boolean, mode: number, onAccept: AcceptHandler): Promise<Listener> {
  const kind = { readonly, address: path, auth: {} };
  const server = createServer({ pauseOnConnect: true }, (s) => onAccept(s, kind));
  await rm(path, { force: true });
  const old = process.umask(~mode & 0o777);
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

/**
 * A TCP listener, read-write: plain or, for a `tls://` endpoint, TLS with client certificates
 * (below); its clients then authenticate as `auth` says (libvirtd's `auth_tcp`, `auth_tls`).
 */
export async function listenTcp(ep: TcpEndpoint, onAccept: AcceptHandler, pkipath?: string, auth: ListenerAuth = {}): Promise<Listener & { port: number }> {
  const scheme = ep.tls ? 'tls' : 'tcp';
  const kind = { readonly: false, address: `${scheme}://${ep.host}:${ep.port}`, auth };
  const server = ep.tls ? tlsServer(await serverTLSFiles(pkipath), kind, onAccept) : createServer({ pauseOnConnect: true, noDelay: true }, (s) => onAccept(s, kind));
  try {
    await listenOn(server, { host: ep.host, port: ep.port });
  } catch (e) {
    throw systemError(`Failed to bind socket to '${kind.address}'`, e as NodeJS.ErrnoException);
  }
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : ep.port;
  return { ...kind, address: `${scheme}://${ep.host}:${port}`, port, close: () => new Promise<void>((ok) => server.close(() => ok())) };
}

/** The server's TLS files, read at start: `--pkipath DIR`, else libvirtd's system paths. */
async function serverTLSFiles(pkipath: string | undefined): Promise<{ ca: Buffer; cert: Buffer; key: Buffer }> {
  const paths = pkipath
    ? { ca: join(pkipath, 'cacert.pem'), cert: join(pkipath, 'servercert.pem'), key: join(pkipath, 'serverkey.pem') }
    : { ca: '/etc/pki/CA/cacert.pem', cert: '/etc/pki/libvirt/servercert.pem', key: '/etc/pki/libvirt/private/serverkey.pem' };
  const read = async (path: string, what: string): Promise<Buffer> => {
    try {
      return await readFile(path);
    } catch (e) {
      throw systemError(`Cannot read ${what} '${path}'`, e as NodeJS.ErrnoException);
    }
  };
  return { ca: await read(paths.ca, 'CA certificate'), cert: await read(paths.cert, 'server certificate'), key: await read(paths.key, 'server key') };
}

const tlsLog = logger('daemon.tls');

/**
 * libvirtd's TLS: the client must present a certificate the CA signed (`tls_no_verify_certificate
 * = 0`), else the handshake fails; once it passes, the server sends one byte, 1, which libvirt's
 * client waits for before its first call.
 */
function tlsServer(files: { ca: Buffer; cert: Buffer; key: Buffer }, kind: ListenerKind, onAccept: AcceptHandler): Server {
  const server = tls.createServer({ ...files, requestCert: true, rejectUnauthorized: true }, (s) => {
    s.setNoDelay(true);
    s.write(Buffer.of(1));
    onAccept(s, kind);
  });
  server.on('tlsClientError', (e, s) => {
    tlsLog.debug(`TLS handshake with ${s.remoteAddress ?? 'a client'} failed: ${e.message}`);
    s.destroy();
  });
  return server;
}

/** Makes the socket directory (0755, as libvirt's run directory). */
export async function makeSocketDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o755 });
}
