import { formatXml } from '../xml/xml-format.js';
import { patchElement } from '../xml/xml-edit.js';
import { textNode, type XmlElement } from '../xml/xml-node.js';
import { NETWORK_SPEC } from '../schema/network-spec.js';
import type { NetworkDef } from './network-def.js';

/** Writes the typed fields back over the element they came from. */
function withTyped(def: NetworkDef): XmlElement {
  const children = def.xml.children.map((c) => {
    if (c.kind !== 'element') return c;
    if (c.name === 'name') return { ...c, children: [textNode(def.name)] };
    if (c.name === 'uuid') return { ...c, children: [textNode(def.uuid)] };
    if (c.name === 'forward' && def.forwardMode) return patchElement(c, 'forward', { mode: def.forwardMode });
    if (c.name === 'bridge') return patchElement(c, 'bridge', { name: def.bridge });
    if (c.name === 'mac') return patchElement(c, 'mac', { address: def.mac });
    return c;
  });
  return { ...def.xml, children };
}

/** Formats a NetworkDef as libvirt's canonical `<network>` XML. */
export function formatNetworkXML(def: NetworkDef): string {
  return formatXml(withTyped(def), 0, NETWORK_SPEC);
}
