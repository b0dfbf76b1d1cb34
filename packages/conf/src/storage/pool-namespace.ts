import { attr, childElements, type XmlElement } from '../xml/xml-node.js';
import type { StoragePoolDef } from './pool-def.js';

/** libvirt's storage pool fs namespace: `<fs:mount_opts><fs:option name='sync'/></fs:mount_opts>`. */
const FS_NAMESPACE = 'http://libvirt.org/schemas/storagepool/fs/1.0';

/** The prefix `el` (or the pool root) binds to the fs namespace, as an XPath with it registered finds it. */
function fsPrefix(el: XmlElement, root: XmlElement): string | undefined {
  const bound = [...el.attrs, ...root.attrs].find(([n, v]) => n.startsWith('xmlns:') && v === FS_NAMESPACE);
  return bound?.[0].slice('xmlns:'.length);
}

/** The mount options of an fs or netfs pool's `<fs:mount_opts>`, in order, whatever prefix names the namespace. */
export function poolMountOptions(def: StoragePoolDef): string[] {
  for (const el of childElements(def.xml)) {
    const cut = el.name.indexOf(':');
    if (cut < 0 || el.name.slice(cut + 1) !== 'mount_opts' || fsPrefix(el, def.xml) !== el.name.slice(0, cut)) continue;
    return childElements(el, `${el.name.slice(0, cut)}:option`).map((o) => attr(o, 'name') ?? '').filter(Boolean);
  }
  return [];
}
