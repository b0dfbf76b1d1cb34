import type { XmlElement } from '../xml/xml-node.js';

/** How a virtual network reaches the outside: libvirt's `<forward mode>`. */
export type NetworkForwardMode = 'nat' | 'route' | 'open' | 'bridge' | 'private' | 'vepa' | 'passthrough' | 'hostdev';

/**
 * A virtual network definition. The typed fields are what code reads and changes; `xml` is the
 * whole document as parsed and normalised, so formatting keeps everything the fields do not cover.
 */
export interface NetworkDef {
  name: string;
  /** Canonical lower-case UUID, generated when the document has none. */
  uuid: string;
  /** Absent for an isolated network. */
  forwardMode?: NetworkForwardMode;
  /** The host bridge's name, `<bridge name>`. */
  bridge?: string;
  /** Lower-case MAC address of the bridge. */
  mac?: string;
  xml: XmlElement;
}
