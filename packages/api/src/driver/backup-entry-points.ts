import type { DomainRef } from './driver-types.js';

/** Domain backup entry points (part of libvirt's virHypervisorDriver); missing ones are NO_SUPPORT. */
export interface DomainBackupEntryPoints {
  /** Starts a backup job described by `backupXML`, optionally creating the checkpoint `checkpointXML` (DomainBackupBeginFlags). */
  domainBackupBegin?(dom: DomainRef, backupXML: string | undefined, checkpointXML: string | undefined, flags: number): Promise<void>;
  /** The XML of the running backup job. */
  domainBackupGetXMLDesc?(dom: DomainRef, flags: number): Promise<string>;
}
