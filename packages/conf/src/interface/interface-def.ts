import type { XmlElement } from '../xml/xml-node.js';

/** libvirt's host interface kinds (virInterfaceType). */
export type InterfaceType = 'ethernet' | 'bridge' | 'bond' | 'vlan';

/**
 * A host interface definition (libvirt's virInterfaceDef). `xml` is the document reduced to what
 * libvirt keeps, in libvirt's order; the typed fields are what code looks up by.
 */
export interface InterfaceDef {
  type: InterfaceType;
  name: string;
  /** The `<mac address>` of an ethernet interface, as written; libvirt keeps none for the other kinds. */
  mac?: string;
  xml: XmlElement;
}
