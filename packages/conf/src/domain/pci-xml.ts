import { element, firstChild, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';

/** A guest PCI address as drivers assign it. */
export interface PciAddressValue {
  readonly domain?: number;
  readonly bus: number;
  readonly slot: number;
  readonly function: number;
  readonly multifunction?: 'on' | 'off';
}

const hex = (n: number, width: number): string => `0x${n.toString(16).padStart(width, '0')}`;

/**
 * Gives a device element a PCI `<address>` in libvirt's spelling (fixed-width hex: domain
 * `0x0000`, bus `0x00`, slot `0x00`, function `0x0`), replacing any address it had. The typed
 * address model writes plain numbers, which libvirt's formatter never does for PCI addresses.
 */
export function setPciAddress(el: XmlElement, a: PciAddressValue): void {
  const attrs: Array<[string, string]> = [
    ['type', 'pci'], ['domain', hex(a.domain ?? 0, 4)], ['bus', hex(a.bus, 2)], ['slot', hex(a.slot, 2)], ['function', hex(a.function, 1)],
  ];
  if (a.multifunction) attrs.push(['multifunction', a.multifunction]);
  el.children = [...el.children.filter((c) => c.kind !== 'element' || c.name !== 'address'), element('address', attrs)];
}

/** What libvirt fills in for a PCI controller: `<model name>` and `<target>` (port in hex, as libvirt writes it). */
export interface PciControllerOptions {
  readonly modelName?: string;
  readonly chassisNr?: number;
  readonly chassis?: number;
  readonly port?: number;
}

/** Writes a PCI controller's model name and target options that are not yet set. */
export function setPciControllerOptions(el: XmlElement, o: PciControllerOptions): void {
  if (o.modelName !== undefined && !firstChild(el, 'model')) el.children.push(element('model', [['name', o.modelName]]));
  const entries: Array<[string, string | undefined]> = [
    ['chassisNr', o.chassisNr?.toString()], ['chassis', o.chassis?.toString()], ['port', o.port === undefined ? undefined : `0x${o.port.toString(16)}`],
  ];
  if (entries.every(([, v]) => v === undefined)) return;
  let target = firstChild(el, 'target');
  if (!target) {
    target = element('target');
    el.children.push(target);
  }
  for (const [k, v] of entries) if (v !== undefined && !target.attrs.some(([n]) => n === k)) setAttr(target, k, v);
}
