import type { XmlElement } from '../xml/xml-node.js';
import type { DomainDef } from '../domain/domain-def.js';

/** `<memory snapshot=... file=...>` of a snapshot: where the guest's RAM went (no, internal, external, manual). */
export interface SnapshotMemory {
  snapshot: string;
  file?: string;
}

/**
 * A domain snapshot definition (`<domainsnapshot>`, libvirt's virDomainSnapshotDef). Optional
 * fields are those a new snapshot's XML may leave out and the hypervisor then fills in.
 */
export interface DomainSnapshotDef {
  name?: string;
  description?: string;
  /** The domain state the snapshot captured: `running`, `paused`, `shutoff`, `disk-snapshot`, ... */
  state?: string;
  /** The parent snapshot's name. */
  parent?: string;
  /** Seconds since the epoch. */
  creationTime?: number;
  memory?: SnapshotMemory;
  /** `<disk>` elements of `<disks>`, as written; undefined when the XML has no `<disks>`. */
  disks?: XmlElement[];
  /** The domain definition the snapshot restores. */
  domain?: DomainDef;
  /** `<inactiveDomain>`: the persistent definition beside a running guest's, which a revert defines again. */
  inactiveDomain?: DomainDef;
  /** The test driver's `<active>`: whether this is the current snapshot (parsed only when asked). */
  active?: boolean;
}
