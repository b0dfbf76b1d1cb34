import type { XmlElement } from '../xml/xml-node.js';

/** A host device (libvirt's virNodeDeviceDef): its name, parent and capability types; `xml` is the document. */
export interface NodeDeviceDef {
  name: string;
  /** Undefined for the root of the tree (`computer`). */
  parent?: string;
  /** The top-level `<capability type>`s. */
  caps: string[];
  xml: XmlElement;
}
