import { statSync } from 'node:fs';
import { createConnection } from 'node:net';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { uriParam, type VirURI } from '@tsvirt/util';

/** The sockets a tsvirtd serving one root listens on. */
export interface DaemonSockets {
  /** Read-write (`tsvirt-sock`, libvirtd's `libvirt-sock`). */
  readonly rw: string;
  /** Read-only (`tsvirt-sock-ro`): every modifying call is refused. */
  readonly ro: string;
}

/**
 * The run directory of a root, where its daemon's sockets and pid file live: `/run/tsvirt` for the
 * host as root, `$XDG_RUNTIME_DIR/tsvirt` for a user, `ROOT/run` for an embed root.
 */
export function daemonRunDir(root?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (root !== undefined) return join(resolve(root), 'run');
  if (process.getuid?.() === 0) return '/run/tsvirt';
  const cache = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(env['XDG_RUNTIME_DIR'] || join(cache, 'tsvirt', 'run'), 'tsvirt');
}

/** The socket paths in a socket directory. */
export function daemonSockets(dir: string): DaemonSockets {
  return { rw: join(dir, 'tsvirt-sock'), ro: join(dir, 'tsvirt-sock-ro') };
}

let preferDaemon = process.env['TSVIRT_DAEMON'] !== '0';

/**
 * Whether `connect()` goes through a tsvirtd listening on a URI's root (the default; off with
 * TSVIRT_DAEMON=0). The daemon turns it off for itself: its own connections are the direct ones.
 */
export function setDaemonPreference(on: boolean): void {
  preferDaemon = on;
}

/** The root directory a local URI's state lives under, for the drivers that keep one (qemu, lxc). */
function rootOf(uri: VirURI): { root: string | undefined } | undefined {
  if (uri.transport !== undefined || uri.host !== undefined || !['qemu', 'lxc'].includes(uri.driver)) return undefined;
  if (uri.path === '/embed') {
    const root = uriParam(uri, 'root');
    return root && isAbsolute(root) ? { root } : undefined;
  }
  const system = process.getuid?.() === 0;
  return (uri.path === '/system' && system) || (uri.path === '/session' && !system) ? { root: undefined } : undefined;
}

function accepts(path: string): Promise<boolean> {
  return new Promise((ok) => {
    const s = createConnection(path, () => {
      s.destroy();
      ok(true);
    });
    s.once('error', () => ok(false));
  });
}

/**
 * The socket of the tsvirtd serving a URI's root, when one listens there (the read-only one for a
 * read-only connection): libvirt's rule that a local client goes through the daemon when it runs.
 */
export async function listeningDaemon(uri: VirURI, readonly: boolean): Promise<string | undefined> {
  const r = preferDaemon ? rootOf(uri) : undefined;
  if (!r) return undefined;
  const sockets = daemonSockets(daemonRunDir(r.root));
  const path = readonly ? sockets.ro : sockets.rw;
  if (!statSync(path, { throwIfNoEntry: false })?.isSocket()) return undefined;
  return (await accepts(path)) ? path : undefined;
}
