import type { StoragePoolDef, StorageVolDef } from '@tsvirt/conf';

/** A volume of a mock pool; its key is its path, as for libvirt's file volumes. */
export interface VolObject {
  readonly def: StorageVolDef;
  readonly path: string;
}

/** A mock storage pool: its definition (with the sizes libvirt reports), its state and volumes. */
export interface PoolObject {
  def: StoragePoolDef;
  active: boolean;
  /** libvirt's test driver tells persistent pools by their config file; transient ones have none. */
  persistent: boolean;
  autostart: boolean;
  readonly volumes: VolObject[];
}

/** Every pool of the test driver claims 100 GiB, none of it used until volumes take some. */
export const DEFAULT_POOL_CAPACITY = 100n * 1024n ** 3n;

/** Resets a definition's sizes as libvirt's test driver does on every define and create. */
export function setPoolDefaults(def: StoragePoolDef): void {
  def.capacity = DEFAULT_POOL_CAPACITY;
  def.allocation = 0n;
  def.available = DEFAULT_POOL_CAPACITY;
}
