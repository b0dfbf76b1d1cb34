/* libvirt's storage constants, with libvirt's numeric values (libvirt-storage.h); they are ABI. */

/** virStoragePoolState. */
export const StoragePoolState = { INACTIVE: 0, BUILDING: 1, RUNNING: 2, DEGRADED: 3, INACCESSIBLE: 4 } as const;
export type StoragePoolState = (typeof StoragePoolState)[keyof typeof StoragePoolState];

/** virConnectListAllStoragePoolsFlags. */
export const ListStoragePoolsFlags = {
  INACTIVE: 1, ACTIVE: 2, PERSISTENT: 4, TRANSIENT: 8, AUTOSTART: 16, NO_AUTOSTART: 32,
  DIR: 64, FS: 128, NETFS: 256, LOGICAL: 512, DISK: 1024, ISCSI: 2048, SCSI: 4096, MPATH: 8192, RBD: 16384,
  SHEEPDOG: 32768, GLUSTER: 65536, ZFS: 131072, VSTORAGE: 262144, ISCSI_DIRECT: 524288,
} as const;

/** virStoragePoolBuildFlags. */
export const StoragePoolBuildFlags = { NEW: 0, REPAIR: 1, RESIZE: 2, NO_OVERWRITE: 4, OVERWRITE: 8 } as const;
/** virStoragePoolCreateFlags. */
export const StoragePoolCreateFlags = { NORMAL: 0, WITH_BUILD: 1, WITH_BUILD_OVERWRITE: 2, WITH_BUILD_NO_OVERWRITE: 4 } as const;
/** virStoragePoolDeleteFlags. */
export const StoragePoolDeleteFlags = { NORMAL: 0, ZEROED: 1 } as const;
/** virStoragePoolDefineFlags. */
export const StoragePoolDefineFlags = { VALIDATE: 1 } as const;
/** virStoragePoolEventID. */
export const StoragePoolEventID = { LIFECYCLE: 0, REFRESH: 1 } as const;
/** virStoragePoolEventLifecycleType. */
export const StoragePoolEventLifecycleType = { DEFINED: 0, UNDEFINED: 1, STARTED: 2, STOPPED: 3, CREATED: 4, DELETED: 5 } as const;
/** virStorageXMLFlags. */
export const StorageXMLFlags = { INACTIVE: 1 } as const;

/** virStorageVolType. */
export const StorageVolType = { FILE: 0, BLOCK: 1, DIR: 2, NETWORK: 3, NETDIR: 4, PLOOP: 5 } as const;
export type StorageVolType = (typeof StorageVolType)[keyof typeof StorageVolType];

/** virStorageVolCreateFlags. */
export const StorageVolCreateFlags = { PREALLOC_METADATA: 1, REFLINK: 2, VALIDATE: 4 } as const;
/** virStorageVolDeleteFlags. */
export const StorageVolDeleteFlags = { NORMAL: 0, ZEROED: 1, WITH_SNAPSHOTS: 2 } as const;
/** virStorageVolWipeAlgorithm. */
export const StorageVolWipeAlgorithm = {
  ZERO: 0, NNSA: 1, DOD: 2, BSI: 3, GUTMANN: 4, SCHNEIER: 5, PFITZNER7: 6, PFITZNER33: 7, RANDOM: 8, TRIM: 9,
} as const;
/** virStorageVolResizeFlags. */
export const StorageVolResizeFlags = { ALLOCATE: 1, DELTA: 2, SHRINK: 4 } as const;
/** virStorageVolInfoFlags. */
export const StorageVolInfoFlags = { USE_ALLOCATION: 0, GET_PHYSICAL: 1 } as const;
/** virStorageVolDownloadFlags and virStorageVolUploadFlags. */
export const StorageVolStreamFlags = { SPARSE_STREAM: 1 } as const;
