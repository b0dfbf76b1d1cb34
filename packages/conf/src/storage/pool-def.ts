import type { XmlElement } from '../xml/xml-node.js';

/**
 * A storage pool definition. The typed fields are what code reads and changes; `xml` is the whole
 * document as parsed and normalised, so formatting keeps everything the fields do not cover.
 */
export interface StoragePoolDef {
  /** `dir`, `fs`, `netfs`, `logical`, `disk`, `iscsi`, `rbd`, ... */
  type: string;
  name: string;
  uuid: string;
  /** Sizes in bytes, exact (libvirt's unsigned long long); runtime figures that a definition never sets, so they start at 0. */
  capacity: bigint;
  allocation: bigint;
  available: bigint;
  /** `<target><path>`, where the pool's volumes appear on the host. */
  targetPath?: string;
  xml: XmlElement;
}
