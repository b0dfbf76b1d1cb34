import { formatXml } from '../xml/xml-format.js';
import { element, textNode, type XmlNode } from '../xml/xml-node.js';
import { patchElement } from '../xml/xml-edit.js';
import { VOLUME_SPEC } from '../schema/storage-spec.js';
import type { StorageVolDef } from './volume-def.js';

/** Formats a StorageVolDef as libvirt's canonical `<volume>` XML. */
export function formatStorageVolXML(def: StorageVolDef): string {
  const children: XmlNode[] = def.xml.children.map((c) => {
    if (c.kind !== 'element') return c;
    if (c.name === 'name') return { ...c, children: [textNode(def.name)] };
    if (c.name === 'key' && def.key !== undefined) return { ...c, children: [textNode(def.key)] };
    return c;
  });
  children.push(
    element('capacity', [['unit', 'bytes']], [textNode(String(def.capacity))]),
    element('allocation', [['unit', 'bytes']], [textNode(String(def.allocation))]),
  );
  if (def.physical) children.push(element('physical', [['unit', 'bytes']], [textNode(String(def.physical))]));
  return formatXml(patchElement(def.xml, 'volume', { type: def.type }, undefined, children), 0, VOLUME_SPEC);
}
