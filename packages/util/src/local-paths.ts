import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { ErrorCode, type ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';
import { uriParam, type VirURI } from './uri.js';

/** A user's XDG base directories, as libvirt's session drivers place their files. */
export interface XdgDirs {
  readonly config: string;
  readonly cache: string;
  readonly runtime: string;
}

export function xdgDirs(env: NodeJS.ProcessEnv = process.env): XdgDirs {
  const config = env['XDG_CONFIG_HOME'] || join(homedir(), '.config');
  const cache = env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return { config, cache, runtime: env['XDG_RUNTIME_DIR'] || join(cache, 'tsvirt', 'run') };
}

/** The `root` of an embed URI (`qemu:///embed?root=DIR`), which must be given and absolute. */
export function embedRoot(uri: VirURI, domain: ErrorDomain): string {
  const root = uriParam(uri, 'root');
  if (!root) throw new VirError(ErrorCode.INVALID_ARG, `Missing 'root' URI parameter`, domain);
  if (!isAbsolute(root)) throw new VirError(ErrorCode.INVALID_ARG, `root path '${root}' in URI must be absolute`, domain);
  return resolve(root);
}

/** Which instance of the local drivers a URI names: the host's, a user's, or one under an embed root. */
export type LocalInstance = { readonly kind: 'system' } | { readonly kind: 'session' } | { readonly kind: 'embed'; readonly root: string };

/**
 * The instance a local hypervisor URI opens, for the secondary drivers that keep state beside it:
 * `qemu:///system`, `lxc:///` and `lxc:///system` (root only) the host's, `qemu:///session` the
 * user's, `qemu:///embed?root=DIR` and `lxc:///embed?root=DIR` DIR's (the same root for both
 * hypervisors, as their drivers share it). 'declined' for any other URI, and where the hypervisor
 * driver itself refuses the URI (it reports why).
 */
export function localInstance(uri: VirURI, domain: ErrorDomain): LocalInstance | 'declined' {
  const root = process.getuid?.() === 0;
  const lxc = uri.driver === 'lxc';
  if (!lxc && uri.driver !== 'qemu') return 'declined';
  if (uri.path === '/system' || (lxc && (uri.path === '/' || uri.path === ''))) return root ? { kind: 'system' } : 'declined';
  if (uri.path === '/session' && !lxc) return { kind: 'session' };
  if (uri.path === '/embed') return { kind: 'embed', root: embedRoot(uri, domain) };
  return 'declined';
}
