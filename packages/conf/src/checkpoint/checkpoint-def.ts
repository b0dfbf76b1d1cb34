import type { DomainDef } from '../domain/domain-def.js';

/** One `<disk>` of a checkpoint: how the disk takes part (`bitmap` or `no`) and the bitmap's name. */
export interface CheckpointDisk {
  name: string;
  checkpoint?: string;
  bitmap?: string;
}

/**
 * A domain checkpoint definition (`<domaincheckpoint>`, libvirt's virDomainCheckpointDef). Optional
 * fields are those a new checkpoint's XML may leave out and the hypervisor then fills in.
 */
export interface DomainCheckpointDef {
  name?: string;
  description?: string;
  /** The parent checkpoint's name. */
  parent?: string;
  /** Seconds since the epoch. */
  creationTime?: number;
  /** `<disk>` elements of `<disks>`; undefined when the XML has none. */
  disks?: CheckpointDisk[];
  /** The domain definition at the time of the checkpoint. */
  domain?: DomainDef;
}
