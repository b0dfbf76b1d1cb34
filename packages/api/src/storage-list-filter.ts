import { flagFilter } from './flag-groups.js';
import { ListStoragePoolsFlags as F } from './storage-flags.js';

/** What `virConnectListAllStoragePools` filters on, as a driver knows it about one pool. */
export interface StoragePoolListFacts {
  readonly active: boolean;
  readonly persistent: boolean;
  readonly autostart: boolean;
  /** The pool's type as its XML names it (`dir`, `iscsi-direct`, ...). */
  readonly type: string;
}

/** Every ListStoragePoolsFlags bit: what a driver's listing accepts. */
export const ALL_LIST_STORAGE_POOLS_FLAGS = Object.values(F).reduce((a, b) => a | b, 0);

/** The type bit of each pool type (`iscsi-direct` is ISCSI_DIRECT). */
const TYPE_BITS: ReadonlyArray<[string, number]> = Object.entries(F)
  .filter(([, bit]) => bit >= F.DIR)
  .map(([name, bit]) => [name.toLowerCase().replace('_', '-'), bit]);

/** Whether a pool passes ListStoragePoolsFlags (libvirt's filter groups). */
export const matchesListStoragePoolsFlags: (p: StoragePoolListFacts, flags: number) => boolean = flagFilter<StoragePoolListFacts>([
  [[F.ACTIVE, (p) => p.active], [F.INACTIVE, (p) => !p.active]],
  [[F.PERSISTENT, (p) => p.persistent], [F.TRANSIENT, (p) => !p.persistent]],
  [[F.AUTOSTART, (p) => p.autostart], [F.NO_AUTOSTART, (p) => !p.autostart]],
  TYPE_BITS.map(([type, bit]) => [bit, (p: StoragePoolListFacts) => p.type === type] as const),
]);
