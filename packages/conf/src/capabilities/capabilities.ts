import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { formatXml } from '../xml/xml-format.js';
import { buildSpec } from '../schema/order-table.js';
import { capsOrder } from '../schema/generated/caps-order.js';

const CAPS_SPEC = buildSpec('capabilities', capsOrder);

/** One guest kind the host can run: `<guest><os_type>` and `<arch name>`. */
export interface CapabilitiesGuest {
  osType: string;
  arch: string;
}

/** Host capabilities: typed summary for code, the full document in `xml`. */
export interface Capabilities {
  hostUUID?: string;
  hostArch?: string;
  guests: CapabilitiesGuest[];
  xml: XmlElement;
}

/** Parses a `<capabilities>` document. */
export function parseCapabilitiesXML(xml: string): Capabilities {
  const root = parseXml(xml, 'capabilities', ErrorDomain.CAPABILITIES);
  if (root.name !== 'capabilities') throw xmlError(`expecting root element of 'capabilities', not '${root.name}'`, ErrorDomain.CAPABILITIES);
  const host = firstChild(root, 'host');
  const uuid = host && firstChild(host, 'uuid');
  const arch = host && firstChild(host, 'cpu') && firstChild(firstChild(host, 'cpu')!, 'arch');
  const guests = childElements(root, 'guest').map((g) => {
    const os = firstChild(g, 'os_type');
    const a = firstChild(g, 'arch');
    return { osType: os ? textOf(os).trim() : '', arch: (a && attr(a, 'name')) ?? '' };
  });
  return { ...(uuid ? { hostUUID: textOf(uuid).trim() } : {}), ...(arch ? { hostArch: textOf(arch).trim() } : {}), guests, xml: root };
}

/** Formats capabilities in libvirt's layout. */
export function formatCapabilitiesXML(caps: Capabilities): string {
  return formatXml(caps.xml, 0, CAPS_SPEC);
}
