import { resolve } from 'node:path';
import { parseURI } from '@tsvirt/util';

/** Drivers whose state lives under a root (embed-capable in tsvirt). */
const ROOTED = new Set(['qemu', 'lxc']);

/**
 * The URI a client's connection opens. A daemon serving an embed root is that root's
 * `system`: libvirt clients cannot name an embed URI with a transport (`qemu+unix:///embed` is
 * refused by libvirt itself), so `qemu:///system` and `qemu:///session` from them mean the root
 * served. Without a name the client gets the root's own URI; anything else passes unchanged.
 */
export function servedURI(name: string | null, root: string | undefined): string {
  const self = root === undefined ? (process.getuid?.() === 0 ? 'qemu:///system' : 'qemu:///session') : `qemu:///embed?root=${resolve(root)}`;
  if (!name) return self;
  if (root === undefined) return name;
  const uri = parseURI(name);
  if (!ROOTED.has(uri.driver) || uri.host !== undefined || (uri.path !== '/system' && uri.path !== '/session')) return name;
  return `${uri.driver}:///embed?root=${resolve(root)}`;
}
