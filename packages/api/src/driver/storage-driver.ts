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

/** Storage entry points (libvirt's virStorageDriver); every member optional, missing ones are NO_SUPPORT. */
export interface StorageDriver {
  connectListAllStoragePools?(flags: number): Promise<StoragePoolRef[]>;
  storagePoolLookupByName?(name: string): Promise<StoragePoolRef>;
  storagePoolLookupByUUID?(uuid: string): Promise<StoragePoolRef>;
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
  storagePoolIsActive?(pool: StoragePoolRef): Promise<boolean>;
  storagePoolListAllVolumes?(pool: StoragePoolRef, flags: number): Promise<StorageVolRef[]>;
  storageVolLookupByName?(pool: StoragePoolRef, name: string): Promise<StorageVolRef>;
  storageVolLookupByPath?(path: string): Promise<StorageVolRef>;
  storageVolCreateXML?(pool: StoragePoolRef, xml: string, flags: number): Promise<StorageVolRef>;
  storageVolDelete?(vol: StorageVolRef, flags: number): Promise<void>;
  storageVolGetXMLDesc?(vol: StorageVolRef, flags: number): Promise<string>;
  storageVolGetInfo?(vol: StorageVolRef): Promise<StorageVolInfo>;
  storageVolGetPath?(vol: StorageVolRef): Promise<string>;
}
