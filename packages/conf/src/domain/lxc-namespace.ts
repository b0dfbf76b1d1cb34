import { attr, childElements } from '../xml/xml-node.js';
import type { DomainDef } from './domain-def.js';

/** The children of `<lxc:namespace>` a definition may hold, and the kernel namespace each shares. */
export const LXC_NAMESPACE_SHARES = { 'lxc:sharenet': 'net', 'lxc:shareipc': 'ipc', 'lxc:shareuts': 'uts' } as const;
export type LxcNamespaceShareTag = keyof typeof LXC_NAMESPACE_SHARES;

/** One `<lxc:shareX type=... value=...>` request: join that namespace instead of making one. */
export interface LxcNamespaceShare {
  readonly tag: LxcNamespaceShareTag;
  readonly type: string;
  readonly value: string;
}

/** The namespace-sharing requests of an LXC definition's `<lxc:namespace>`, in document order. */
export function lxcNamespaceShares(def: DomainDef): LxcNamespaceShare[] {
  const el = def.other.find((e) => e.name === 'lxc:namespace');
  if (!el) return [];
  return childElements(el)
    .filter((c) => c.name in LXC_NAMESPACE_SHARES)
    .map((c) => ({ tag: c.name as LxcNamespaceShareTag, type: attr(c, 'type') ?? '', value: attr(c, 'value') ?? '' }));
}
