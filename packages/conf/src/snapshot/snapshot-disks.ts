import { attr, model, type Typed } from '../model/binding.js';
import type { DomainSnapshotDef } from './snapshot-def.js';

/** `<disks><disk>` of a snapshot: which guest disk (by target) and how it is captured. */
export const SNAPSHOT_DISK = model('disk', () => ({ name: attr('name'), snapshot: attr('snapshot') }));

export type SnapshotDisk = Typed<typeof SNAPSHOT_DISK.shape>;

/** A snapshot's disks, typed; undefined when its XML has no `<disks>`. */
export function snapshotDisks(def: DomainSnapshotDef): SnapshotDisk[] | undefined {
  return def.disks?.map((d) => SNAPSHOT_DISK.parse(d));
}

/** The `disks` of a snapshot definition made of typed disks (each written over its source element). */
export function snapshotDiskElements(disks: readonly SnapshotDisk[]): NonNullable<DomainSnapshotDef['disks']> {
  return disks.map((d) => SNAPSHOT_DISK.format(d));
}
