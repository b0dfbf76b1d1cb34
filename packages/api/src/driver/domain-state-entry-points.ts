import type { DomainRef } from './driver-types.js';

/** How a driver names a snapshot: its domain and its name (libvirt's virDomainSnapshotPtr). */
export interface SnapshotRef {
  readonly domain: DomainRef;
  readonly name: string;
}

/** How a driver names a checkpoint: its domain and its name (libvirt's virDomainCheckpointPtr). */
export interface CheckpointRef {
  readonly domain: DomainRef;
  readonly name: string;
}

/**
 * The hypervisor entry points for a domain's state outside its run state: saved images, managed
 * save, snapshots, metadata, renaming. Part of HypervisorDriver; every member is optional.
 */
export interface DomainStateEntryPoints {
  /** Saves the running domain's memory to `path` and stops it (DomainSaveRestoreFlags); `dxml` replaces the saved XML. */
  domainSave?(dom: DomainRef, path: string, dxml: string | undefined, flags: number): Promise<void>;
  /** Starts a domain from a save image; `dxml` replaces the XML it holds. */
  domainRestore?(path: string, dxml: string | undefined, flags: number): Promise<void>;
  /** The domain XML a save image holds (DomainSaveImageXMLFlags). */
  domainSaveImageGetXMLDesc?(path: string, flags: number): Promise<string>;
  /** Replaces the domain XML inside a save image (DomainSaveRestoreFlags RUNNING/PAUSED). */
  domainSaveImageDefineXML?(path: string, dxml: string, flags: number): Promise<void>;
  domainManagedSave?(dom: DomainRef, flags: number): Promise<void>;
  domainManagedSaveRemove?(dom: DomainRef, flags: number): Promise<void>;
  domainManagedSaveGetXMLDesc?(dom: DomainRef, flags: number): Promise<string>;
  domainManagedSaveDefineXML?(dom: DomainRef, dxml: string, flags: number): Promise<void>;

  /** Tainting and deprecation messages about the running domain (DomainMessageType; 0 for all). */
  domainGetMessages?(dom: DomainRef, flags: number): Promise<string[]>;

  /** Renames an inactive domain; returns the renamed handle. */
  domainRename?(dom: DomainRef, newName: string, flags: number): Promise<DomainRef>;
  /** Sets (or with `metadata` undefined removes) the description, title or an element in namespace `uri` (DomainMetadataType). */
  domainSetMetadata?(dom: DomainRef, type: number, metadata: string | undefined, key: string | undefined,
    uri: string | undefined, flags: number): Promise<void>;
  domainGetMetadata?(dom: DomainRef, type: number, uri: string | undefined, flags: number): Promise<string>;

  /** Creates (or with REDEFINE restores the metadata of) a snapshot from `<domainsnapshot>` XML. */
  domainSnapshotCreateXML?(dom: DomainRef, xml: string, flags: number): Promise<SnapshotRef>;
  /** Snapshot names matching DomainSnapshotListFlags, in creation order (topological with TOPOLOGICAL). */
  domainListAllSnapshots?(dom: DomainRef, flags: number): Promise<string[]>;
  domainSnapshotLookupByName?(dom: DomainRef, name: string, flags: number): Promise<SnapshotRef>;
  domainHasCurrentSnapshot?(dom: DomainRef, flags: number): Promise<boolean>;
  domainSnapshotCurrent?(dom: DomainRef, flags: number): Promise<SnapshotRef>;
  domainSnapshotGetXMLDesc?(snap: SnapshotRef, flags: number): Promise<string>;
  domainSnapshotGetParent?(snap: SnapshotRef, flags: number): Promise<SnapshotRef>;
  /** Names of the snapshot's children (all descendants with DESCENDANTS) matching the list flags. */
  domainSnapshotListAllChildren?(snap: SnapshotRef, flags: number): Promise<string[]>;
  domainSnapshotIsCurrent?(snap: SnapshotRef, flags: number): Promise<boolean>;
  domainSnapshotHasMetadata?(snap: SnapshotRef, flags: number): Promise<boolean>;
  domainRevertToSnapshot?(snap: SnapshotRef, flags: number): Promise<void>;
  domainSnapshotDelete?(snap: SnapshotRef, flags: number): Promise<void>;
  /** Creates (or with REDEFINE restores the metadata of) a checkpoint from `<domaincheckpoint>` XML. */
  domainCheckpointCreateXML?(dom: DomainRef, xml: string, flags: number): Promise<CheckpointRef>;
  /** Checkpoint names matching DomainCheckpointListFlags, in creation order (topological with TOPOLOGICAL). */
  domainListAllCheckpoints?(dom: DomainRef, flags: number): Promise<string[]>;
  domainCheckpointLookupByName?(dom: DomainRef, name: string, flags: number): Promise<CheckpointRef>;
  domainCheckpointGetXMLDesc?(cp: CheckpointRef, flags: number): Promise<string>;
  domainCheckpointGetParent?(cp: CheckpointRef, flags: number): Promise<CheckpointRef>;
  /** Names of the checkpoint's children (all descendants with DESCENDANTS) matching the list flags. */
  domainCheckpointListAllChildren?(cp: CheckpointRef, flags: number): Promise<string[]>;
  domainCheckpointDelete?(cp: CheckpointRef, flags: number): Promise<void>;
}
