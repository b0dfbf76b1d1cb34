import { closeSync, openSync } from 'node:fs';
import { LXC_NAMESPACE_SHARES, lxcNamespaceShares, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import { isActive } from '../state/lxc-status.js';
import { loadDomain, readInit } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';

const D = ErrorDomain.LXC;

/** A namespace the container joins instead of making its own: its kind and the file to `setns` to. */
export interface SharedNamespace {
  readonly ns: 'net' | 'ipc' | 'uts';
  readonly path: string;
}

/** Opens and closes `path` as libvirt opens the namespace it will pass on, failing in its words. */
function probe(path: string, words: string): void {
  try {
    closeSync(openSync(path, 'r'));
  } catch (e) {
    throw systemError(words, e as NodeJS.ErrnoException, D);
  }
}

/**
 * The namespaces `<lxc:namespace>` shares (libvirt's virLXCProcessSetupNamespaces): a named
 * network namespace (`/run/netns/NAME`, sharenet only), another running container by name, or a
 * process by pid. Checked before anything of the container is made.
 */
export async function sharedNamespaces(drv: LxcContext, def: DomainDef): Promise<SharedNamespace[]> {
  const out: SharedNamespace[] = [];
  for (const { tag, type, value } of lxcNamespaceShares(def)) {
    const ns = LXC_NAMESPACE_SHARES[tag];
    const kind = tag.slice('lxc:'.length);
    let path: string;
    if (type === 'netns') {
      if (ns !== 'net') throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "'netns' namespace source can only be used with sharenet", D);
      path = `/run/netns/${value}`;
      probe(path, `failed to open netns ${value}`);
    } else if (type === 'name') {
      const other = await loadDomain(drv.paths, value);
      if (!other) throw new VirError(ErrorCode.NO_DOMAIN, `No domain with matching name '${value}'`, D);
      const init = isActive(other.status) ? await readInit(drv.paths, value) : undefined;
      if (!init) throw new VirError(ErrorCode.OPERATION_INVALID, 'Init pid is not yet available', D);
      path = `/proc/${init.pid}/ns/${ns}`;
      probe(path, `failed to open ns ${kind}`);
    } else {
      path = `/proc/${value}/ns/${ns}`;
      probe(path, `failed to open ns ${kind}`);
    }
    out.push({ ns, path });
  }
  return out;
}
