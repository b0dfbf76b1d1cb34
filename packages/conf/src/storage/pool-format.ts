import { formatXml } from '../xml/xml-format.js';
import { element, firstChild, textNode, type XmlElement } from '../xml/xml-node.js';
import { patchElement } from '../xml/xml-edit.js';
import { POOL_SPEC } from '../schema/storage-spec.js';
import type { StoragePoolDef } from './pool-def.js';

const size = (name: string, bytes: bigint): XmlElement => element(name, [['unit', 'bytes']], [textNode(String(bytes))]);

/** Formats a StoragePoolDef as libvirt's canonical `<pool>` XML. */
export function formatStoragePoolXML(def: StoragePoolDef): string {
  const children = def.xml.children.map((c) => {
    if (c.kind !== 'element') return c;
    if (c.name === 'name') return { ...c, children: [textNode(def.name)] };
    if (c.name === 'uuid') return { ...c, children: [textNode(def.uuid)] };
    if (c.name === 'target' && def.targetPath !== undefined) {
      const path = patchElement(firstChild(c, 'path'), 'path', {}, def.targetPath);
      return { ...c, children: [...c.children.filter((k) => k.kind !== 'element' || k.name !== 'path'), path] };
    }
    return c;
  });
  children.push(size('capacity', def.capacity), size('allocation', def.allocation), size('available', def.available));
  return formatXml(patchElement(def.xml, 'pool', { type: def.type }, undefined, children), 0, POOL_SPEC);
}
