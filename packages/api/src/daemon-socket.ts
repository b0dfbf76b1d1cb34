import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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
