import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { formatXml } from '../xml/xml-format.js';
import type { NodeDeviceDef } from './nodedev-def.js';

/** The top-level capability types: what the test driver's virNodeDeviceListCaps reports. */
function capsOf(root: XmlElement): string[] {
  return childElements(root, 'capability').map((cap) => {
    const type = attr(cap, 'type');
    if (type === undefined) throw xmlError('missing capability type', ErrorDomain.NODEDEV);
    return type;
  });
}

/** Parses `<device>` XML (a node device) for its name, parent and capabilities. */
export function parseNodeDeviceXML(xml: string): NodeDeviceDef {
  const root = parseXml(xml, 'device_definition');
  if (root.name !== 'device') throw xmlError(`expecting root element of 'device', not '${root.name}'`, ErrorDomain.XML);
  const nameEl = firstChild(root, 'name');
  const name = nameEl ? textOf(nameEl).trim() : '';
  if (!name) throw xmlError('missing name for device', ErrorDomain.NODEDEV);
  const parentEl = firstChild(root, 'parent');
  const parent = parentEl ? textOf(parentEl).trim() : undefined;
  return { name, ...(parent ? { parent } : {}), caps: capsOf(root), xml: root };
}

/** Formats a node device in libvirt's layout (document order: libvirt's own device XML is already in its order). */
export function formatNodeDeviceXML(def: NodeDeviceDef): string {
  return formatXml(def.xml);
}
