/* libvirt's constants for saved state, snapshots and metadata, with libvirt's values (libvirt-domain.h, libvirt-domain-snapshot.h). */

/** virDomainSaveRestoreFlags. */
export const DomainSaveRestoreFlags = { BYPASS_CACHE: 1, RUNNING: 2, PAUSED: 4, RESET_NVRAM: 8 } as const;
/** virDomainSaveImageXMLFlags. */
export const DomainSaveImageXMLFlags = { SECURE: 1 } as const;

/** virDomainSnapshotCreateFlags. */
export const DomainSnapshotCreateFlags = {
  REDEFINE: 1, CURRENT: 2, NO_METADATA: 4, HALT: 8, DISK_ONLY: 16, REUSE_EXT: 32, QUIESCE: 64, ATOMIC: 128, LIVE: 256,
  VALIDATE: 512,
} as const;
/**
 * virDomainSnapshotListFlags. ROOTS (for a domain's list) and DESCENDANTS (for a snapshot's
 * children) share bit 1.
 */
export const DomainSnapshotListFlags = {
  DESCENDANTS: 1, ROOTS: 1, METADATA: 2, LEAVES: 4, NO_LEAVES: 8, NO_METADATA: 16, INACTIVE: 32, ACTIVE: 64,
  DISK_ONLY: 128, INTERNAL: 256, EXTERNAL: 512, TOPOLOGICAL: 1024,
} as const;
/** virDomainSnapshotRevertFlags. */
export const DomainSnapshotRevertFlags = { RUNNING: 1, PAUSED: 2, FORCE: 4, RESET_NVRAM: 8 } as const;
/** virDomainSnapshotDeleteFlags. */
export const DomainSnapshotDeleteFlags = { CHILDREN: 1, METADATA_ONLY: 2, CHILDREN_ONLY: 4 } as const;
/** virDomainSnapshotXMLFlags. */
export const DomainSnapshotXMLFlags = { SECURE: 1 } as const;

/** virDomainMetadataType. */
export const DomainMetadataType = { DESCRIPTION: 0, TITLE: 1, ELEMENT: 2 } as const;

/** virDomainMessageType: which of a domain's messages virDomainGetMessages returns (0 for all). */
export const DomainMessageType = { DEPRECATION: 1, TAINTING: 2 } as const;

/** virDomainCheckpointCreateFlags. */
export const DomainCheckpointCreateFlags = { REDEFINE: 1, QUIESCE: 2, REDEFINE_VALIDATE: 4 } as const;

/** virDomainCheckpointListFlags. ROOTS (for a domain's list) and DESCENDANTS (for a checkpoint's children) share bit 1. */
export const DomainCheckpointListFlags = { DESCENDANTS: 1, ROOTS: 1, TOPOLOGICAL: 2, LEAVES: 4, NO_LEAVES: 8 } as const;

/** virDomainCheckpointDeleteFlags. */
export const DomainCheckpointDeleteFlags = { CHILDREN: 1, METADATA_ONLY: 2, CHILDREN_ONLY: 4 } as const;

/** virDomainCheckpointXMLFlags. */
export const DomainCheckpointXMLFlags = { SECURE: 1, NO_DOMAIN: 2, SIZE: 4 } as const;
