import type { StreamChunk } from '@tsvirt/util';

/** How a driver names a storage pool and a volume: what virStoragePoolPtr and virStorageVolPtr carry. */
export interface StoragePoolRef {
  readonly name: string;
  readonly uuid: string;
}
export interface StorageVolRef {
  readonly pool: string;
  readonly name: string;
  /** The volume's key (for file volumes, its path). */
  readonly key: string;
}

/** virStoragePoolInfo: sizes in bytes. */
export interface StoragePoolInfo {
  readonly state: number;
  readonly capacity: bigint;
  readonly allocation: bigint;
  readonly available: bigint;
}
/** virStorageVolInfo: sizes in bytes. */
export interface StorageVolInfo {
  readonly type: number;
  readonly capacity: bigint;
  readonly allocation: bigint;
}

/**
 * A tsvirt extension to virStorageVolWipe/WipePattern: `onProgress(done, total)` is called as a
 * driver that wipes in-process writes (bytes wiped so far of `total`); a driver that cannot tell
 * (over remote: the protocol has no wipe progress) never calls it.
 */
export interface StorageVolWipeOptions {
  readonly onProgress?: (done: bigint, total: bigint) => void;
}

/** A storage pool event as a driver raises it. */
export interface StoragePoolDriverEvent {
  readonly pool: StoragePoolRef;
  /** StoragePoolEventID. */
  readonly eventID: number;
  /** StoragePoolEventLifecycleType for LIFECYCLE events, 0 otherwise. */
  readonly event: number;
  readonly detail: number;
}

/** Storage entry points (libvirt's virStorageDriver); every member optional, missing ones are NO_SUPPORT. */
export interface StorageDriver {
  connectNumOfStoragePools?(): Promise<number>;
  connectListStoragePools?(maxnames: number): Promise<string[]>;
  connectNumOfDefinedStoragePools?(): Promise<number>;
  connectListDefinedStoragePools?(maxnames: number): Promise<string[]>;
  connectListAllStoragePools?(flags: number): Promise<StoragePoolRef[]>;
  connectFindStoragePoolSources?(type: string, srcSpec: string | undefined, flags: number): Promise<string>;
  connectGetStoragePoolCapabilities?(flags: number): Promise<string>;
  storagePoolLookupByName?(name: string): Promise<StoragePoolRef>;
  storagePoolLookupByUUID?(uuid: string): Promise<StoragePoolRef>;
  storagePoolLookupByVolume?(vol: StorageVolRef): Promise<StoragePoolRef>;
  storagePoolDefineXML?(xml: string, flags: number): Promise<StoragePoolRef>;
  storagePoolCreateXML?(xml: string, flags: number): Promise<StoragePoolRef>;
  storagePoolBuild?(pool: StoragePoolRef, flags: number): Promise<void>;
  storagePoolUndefine?(pool: StoragePoolRef): Promise<void>;
  storagePoolCreate?(pool: StoragePoolRef, flags: number): Promise<void>;
  storagePoolDestroy?(pool: StoragePoolRef): Promise<void>;
  storagePoolDelete?(pool: StoragePoolRef, flags: number): Promise<void>;
  storagePoolRefresh?(pool: StoragePoolRef, flags: number): Promise<void>;
  storagePoolGetXMLDesc?(pool: StoragePoolRef, flags: number): Promise<string>;
  storagePoolGetInfo?(pool: StoragePoolRef): Promise<StoragePoolInfo>;
  storagePoolGetAutostart?(pool: StoragePoolRef): Promise<boolean>;
  storagePoolSetAutostart?(pool: StoragePoolRef, autostart: boolean): Promise<void>;
  storagePoolIsActive?(pool: StoragePoolRef): Promise<boolean>;
  storagePoolIsPersistent?(pool: StoragePoolRef): Promise<boolean>;
  storagePoolNumOfVolumes?(pool: StoragePoolRef): Promise<number>;
  storagePoolListVolumes?(pool: StoragePoolRef, maxnames: number): Promise<string[]>;
  storagePoolListAllVolumes?(pool: StoragePoolRef, flags: number): Promise<StorageVolRef[]>;
  storageVolLookupByName?(pool: StoragePoolRef, name: string): Promise<StorageVolRef>;
  storageVolLookupByKey?(key: string): Promise<StorageVolRef>;
  storageVolLookupByPath?(path: string): Promise<StorageVolRef>;
  storageVolCreateXML?(pool: StoragePoolRef, xml: string, flags: number): Promise<StorageVolRef>;
  storageVolCreateXMLFrom?(pool: StoragePoolRef, xml: string, clone: StorageVolRef, flags: number): Promise<StorageVolRef>;
  storageVolDelete?(vol: StorageVolRef, flags: number): Promise<void>;
  storageVolWipe?(vol: StorageVolRef, flags: number, options?: StorageVolWipeOptions): Promise<void>;
  storageVolWipePattern?(vol: StorageVolRef, algorithm: number, flags: number, options?: StorageVolWipeOptions): Promise<void>;
  storageVolResize?(vol: StorageVolRef, capacity: bigint, flags: number): Promise<void>;
  storageVolGetXMLDesc?(vol: StorageVolRef, flags: number): Promise<string>;
  storageVolGetInfo?(vol: StorageVolRef): Promise<StorageVolInfo>;
  storageVolGetInfoFlags?(vol: StorageVolRef, flags: number): Promise<StorageVolInfo>;
  storageVolGetPath?(vol: StorageVolRef): Promise<string>;
  /**
   * The volume's bytes from `offset`, `length` of them (0 for all), as chunks pulled one at a time;
   * with StorageVolStreamFlags.SPARSE_STREAM, runs of zeros come as StreamHole chunks.
   */
  storageVolDownload?(vol: StorageVolRef, offset: bigint, length: bigint, flags: number): Promise<AsyncIterable<StreamChunk>>;
  /** Writes `data` into the volume from `offset`, at most `length` bytes (0 for all of it); holes only with SPARSE_STREAM. */
  storageVolUpload?(vol: StorageVolRef, data: AsyncIterable<StreamChunk>, offset: bigint, length: bigint, flags: number): Promise<void>;
  /** Calls `listener` for each event `eventID` (of `pool` only, when given); the returned function stops it. */
  connectStoragePoolEventRegisterAny?(pool: StoragePoolRef | undefined, eventID: number,
    listener: (e: StoragePoolDriverEvent) => void): Promise<() => void>;
}
