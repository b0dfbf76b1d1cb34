import { ErrorDomain } from '@tsvirt/util';
import { childElements, textNode, textOf, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';

const D = ErrorDomain.STORAGE;
/** Ids that stand for "not set": -1, also written as its unsigned form. */
const UNSET_ID = new Set(['-1', '4294967295']);

/** A path as libvirt stores it: runs of slashes collapsed and no trailing slash. URLs are left alone. */
export function sanitizePath(path: string): string {
  if (!path.startsWith('/')) return path;
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 ? collapsed.replace(/\/$/, '') : collapsed;
}

/** Rewrites `<permissions>` in libvirt's canonical spelling: octal mode, decimal ids, unset ids dropped. */
export function normalisePermissions(perms: XmlElement): void {
  for (const el of childElements(perms)) {
    const v = textOf(el).trim();
    if (el.name === 'mode') {
      // Permission bits only (libvirt refuses anything beyond 0777).
      if (!/^[0-7]+$/.test(v) || parseInt(v, 8) > 0o777) throw xmlError('malformed octal mode', D);
      el.children = [textNode(`0${parseInt(v, 8).toString(8)}`)];
    } else if (el.name === 'owner' || el.name === 'group') {
      // A uid or gid: -1 (unset) up to the largest unsigned 32-bit id. libvirt prints ids past
      // INT_MAX as negative numbers it then refuses to read; they stay unsigned here, a fixed point.
      const id = /^[-+]?\d+$/.test(v) ? Number(v) : NaN;
      if (!(id >= -1 && id <= 0xffffffff)) throw xmlError(`malformed ${el.name} element`, D);
      el.children = [textNode(String(id === -1 ? id : id >>> 0))];
    }
  }
  perms.children = perms.children.filter((c) => c.kind !== 'element' || !((c.name === 'owner' || c.name === 'group') && UNSET_ID.has(textOf(c))));
}
