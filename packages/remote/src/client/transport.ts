/**
 * Opens the byte stream to a daemon for a URI's transport, as libvirt's remote driver does:
 * `unix` (the default without a host), `tcp`, `tls` (the default with a host), `ssh`, `ext`.
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ConnectAuth } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, errnoText, uriParam, type VirURI } from '@tsvirt/util';
import { openSSH, openExt } from './transport-command.js';
import { openTLS } from './transport-tls.js';
import { TCP_PORT } from './ports.js';


/** The transport a URI uses: the one it names, else unix for a local URI and tls for a remote one. */
export function transportOf(uri: VirURI): string {
  return uri.transport ?? (uri.host !== undefined ? 'tls' : 'unix');
}

/**
 * Whether a unix URI reaches the per-user daemon: as libvirt's client decides (checked with
 * python3-libvirt), only for a user, and then for `/session` or the test driver; root and every
 * other URI (`lxc:///`, `qemu:///system`) reach the system daemon.
 */
function sessionMode(uri: VirURI): boolean {
  return process.getuid?.() !== 0 && (uri.path === '/session' || uri.driver === 'test');
}

/** The daemon socket libvirt's client would use for a unix URI without `socket=`. */
export function defaultSocket(uri: VirURI, readonly: boolean): string {
  if (sessionMode(uri)) {
    const runtime = process.env.XDG_RUNTIME_DIR ?? `${process.env.HOME ?? ''}/.cache`;
    return `${runtime}/libvirt/libvirt-sock`;
  }
  return readonly ? '/var/run/libvirt/libvirt-sock-ro' : '/var/run/libvirt/libvirt-sock';
}

/** Whether a local daemon listens where an unqualified URI would reach it. */
export function localDaemonListens(uri: VirURI): boolean {
  return existsSync(defaultSocket(uri, false));
}

/**
 * Connects a stream socket (unix path or host and port), with libvirt's error when it fails:
 * `failure` is its first part (`Failed to connect socket to '/path'`, `unable to connect to server at 'host:port'`).
 */
export function connectSocket(opts: net.NetConnectOpts, failure: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect(opts);
    s.once('connect', () => {
      s.removeAllListeners('error');
      resolve(s);
    });
    s.once('error', (e: NodeJS.ErrnoException) => {
      const text = `${failure}: ${errnoText(e)}`;
      reject(new VirError(ErrorCode.SYSTEM_ERROR, text, ErrorDomain.RPC, { cause: e, message: text }));
    });
  });
}

/** The daemons a unix URI's `mode=` may choose (libvirt's virRemoteDriverMode). */
const REMOTE_MODES = new Set(['auto', 'legacy', 'direct']);

/** Opens the stream a URI names; `daemonName` is the URI the daemon will open (for virt-ssh-helper). */
export async function openTransport(uri: VirURI, readonly: boolean, daemonName: string, auth?: ConnectAuth): Promise<Duplex> {
  const transport = transportOf(uri);
  const mode = uriParam(uri, 'mode');
  if (mode !== undefined && !REMOTE_MODES.has(mode)) throw new VirError(ErrorCode.INVALID_ARG, `Unknown remote mode '${mode}'`, ErrorDomain.REMOTE);
  switch (transport) {
    case 'unix': {
      if (uri.host !== undefined) {
        throw new VirError(ErrorCode.INVALID_ARG, `using unix socket and remote server '${uri.host}' is not supported.`, ErrorDomain.REMOTE);
      }
      const path = uriParam(uri, 'socket') ?? defaultSocket(uri, readonly);
      return connectSocket({ path }, `Failed to connect socket to '${path}'`);
    }
    case 'tcp': {
      const host = uri.host ?? 'localhost';
      const port = uri.port ?? TCP_PORT;
      return connectSocket({ host, port }, `unable to connect to server at '${host}:${port}'`);
    }
    case 'tls':
      return openTLS(uri);
    case 'ssh':
    case 'libssh':
    case 'libssh2':
      return openSSH(uri, daemonName, readonly, auth);
    case 'ext':
      return openExt(uri);
    default:
      throw new VirError(ErrorCode.INVALID_ARG, `remote_open: transport in URL not recognised (should be tls|unix|ssh|ext|tcp|libssh2|libssh)`, ErrorDomain.REMOTE);
  }
}
