import type { XmlElement } from '../xml/xml-node.js';

/**
 * A storage volume definition, read in the context of its pool. The typed fields are what code
 * reads and changes; `xml` is the whole document as parsed and normalised.
 */
export interface StorageVolDef {
  /** `file`, `block`, `dir`, `network`, `netdir`, `ploop`; defaults from the pool's type. */
  type: string;
  name: string;
  key?: string;
  /** Sizes in bytes, exact (libvirt's unsigned long long). */
  capacity: bigint;
  allocation: bigint;
  /** The size the volume takes on its host (a file's length), known only once it exists; printed when set and not 0. */
  physical?: bigint;
  /** `<target><format type>`. */
  format?: string;
  xml: XmlElement;
}
