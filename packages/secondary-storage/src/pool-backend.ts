import type { StoragePoolDef } from '@tsvirt/conf';
import type { SecretReader } from './secret-value.js';
import type { NewVolume } from './volume-def.js';
import type { VolumeEntry, VolumeFacts } from './volume-facts.js';

/** A running pool's sizes in bytes. */
export interface PoolSizes {
  readonly capacity: bigint;
  readonly allocation: bigint;
  readonly available: bigint;
}

/**
 * What one pool type does (libvirt's virStorageBackend): the driver keeps definitions, state and
 * events, a backend acts on the storage. Optional members are operations the type lacks; the
 * driver refuses them with libvirt's words.
 */
export interface PoolBackend {
  /** pool-build: makes the pool's storage (directory, label, volume group). */
  build(def: StoragePoolDef, flags: number): Promise<void>;
  /**
   * What starting needs done and checked: mount, activate, find the device. A definition it
   * answers is the pool's from now on (an fc_host adapter whose vHBA it made becomes managed).
   * `secrets` reads the secrets its `<auth>` names (an iSCSI pool's CHAP password).
   */
  start(def: StoragePoolDef, secrets: SecretReader): Promise<StoragePoolDef | undefined | void>;
  /** What stopping undoes (umount, deactivate); nothing for most types. */
  stop(def: StoragePoolDef): Promise<void>;
  /** pool-delete: removes what build made. */
  delete?(def: StoragePoolDef, flags: number): Promise<void>;
  /** The check a refresh makes: a pool that fails it stops. */
  check(def: StoragePoolDef): Promise<void>;
  sizes(def: StoragePoolDef): Promise<PoolSizes>;
  /** Whether the live XML shows the target's current permissions (a directory's). */
  readonly livePermissions: boolean;
  /** The pool's volumes, in name order. */
  volumes(def: StoragePoolDef): Promise<VolumeEntry[]>;
  /** One volume by name (undefined: none), without listing all when the type can. */
  volume(def: StoragePoolDef, name: string): Promise<VolumeEntry | undefined>;
  /** Makes a volume; an encrypted one (only where `encryptable`) with its passphrase. */
  createVolume?(def: StoragePoolDef, vol: NewVolume, flags: number, passphrase?: Uint8Array): Promise<void>;
  /** Whether LUKS-encrypted volumes can be made (image files can, through qemu-img). */
  readonly encryptable?: boolean;
  cloneVolume?(def: StoragePoolDef, vol: NewVolume, from: VolumeFacts, flags: number): Promise<void>;
  deleteVolume?(def: StoragePoolDef, vol: VolumeEntry, flags: number): Promise<void>;
  /** Whether files of the pool can be resized (truncate, qemu-img resize); SCSI LUNs cannot. */
  readonly resizable: boolean;
  /** Gives a partition or logical volume `capacity` bytes (already checked by libvirt's rules: never smaller than its allocation). */
  resizeVolume?(def: StoragePoolDef, vol: VolumeFacts, capacity: bigint): Promise<void>;
  /** Why pools of the type can be defined but never run here (pool capabilities then say `supported='no'`). */
  readonly unavailable?: string;
  /** virConnectFindStoragePoolSources: the `<sources>` XML found from a source spec. */
  findSources?(srcSpec: string | undefined): Promise<string>;
}
