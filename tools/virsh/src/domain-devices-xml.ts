import { DomainXMLFlags, type Domain } from '@tsvirt/api';
import { attr, childElements, firstChild, parseXml, type XmlElement } from '@tsvirt/conf';

/** The device elements of one kind in a domain's XML (`disk`, `interface`), live or inactive. */
export async function domainDevices(dom: Domain, kind: string, inactive: boolean): Promise<XmlElement[]> {
  const root = parseXml(await dom.getXMLDesc(inactive ? DomainXMLFlags.INACTIVE : 0), 'domain_definition');
  const devices = firstChild(root, 'devices');
  return devices ? childElements(devices, kind) : [];
}

/** The first of `names` among an element's attributes in document order, as an XPath union picks it. */
export function firstAttr(el: XmlElement | undefined, names: readonly string[]): string | undefined {
  return el?.attrs.find(([n]) => names.includes(n))?.[1];
}

/** `./child/@name` of a device. */
export function childAttr(el: XmlElement, child: string, name: string): string | undefined {
  const c = firstChild(el, child);
  return c && attr(c, name);
}

/** What virsh shows as a disk's source: its file, device, directory, network name or volume. */
export const diskSource = (disk: XmlElement): string | undefined =>
  firstAttr(firstChild(disk, 'source'), ['file', 'dev', 'dir', 'name', 'volume']);

/** What virsh shows as an interface's source: its bridge, device, network, name or socket path. */
export const interfaceSource = (iface: XmlElement): string | undefined =>
  firstAttr(firstChild(iface, 'source'), ['bridge', 'dev', 'network', 'name', 'path']);
