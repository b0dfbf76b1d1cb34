import { matchesFlagGroups } from './flag-groups.js';
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
export function matchesListStoragePoolsFlags(p: StoragePoolListFacts, flags: number): boolean {
  return matchesFlagGroups(flags, [
    [[F.ACTIVE, p.active], [F.INACTIVE, !p.active]],
    [[F.PERSISTENT, p.persistent], [F.TRANSIENT, !p.persistent]],
    [[F.AUTOSTART, p.autostart], [F.NO_AUTOSTART, !p.autostart]],
    TYPE_BITS.map(([type, bit]) => [bit, p.type === type] as const),
  ]);
}
