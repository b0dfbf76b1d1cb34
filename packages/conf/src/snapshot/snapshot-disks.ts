import { at, attr, child, model, type Typed } from '../model/binding.js';
import type { DomainSnapshotDef } from './snapshot-def.js';

/**
 * `<disks><disk>` of a snapshot: which guest disk (by target) and how it is captured; an external
 * one names its overlay (`type`, `<driver type>`, `<source file|dev>`), in libvirt's order.
 */
export const SNAPSHOT_DISK = model('disk', () => ({
  name: attr('name'),
  snapshot: attr('snapshot'),
  type: attr('type'),
  format: at('driver', attr('type')),
  source: child('source', { file: attr('file'), dev: attr('dev') }),
}), { newInShapeOrder: true });

export type SnapshotDisk = Typed<typeof SNAPSHOT_DISK.shape>;

/** A snapshot's disks, typed; undefined when its XML has no `<disks>`. */
export function snapshotDisks(def: DomainSnapshotDef): SnapshotDisk[] | undefined {
  return def.disks?.map((d) => SNAPSHOT_DISK.parse(d));
}

/** The `disks` of a snapshot definition made of typed disks (each written over its source element). */
export function snapshotDiskElements(disks: readonly SnapshotDisk[]): NonNullable<DomainSnapshotDef['disks']> {
  return disks.map((d) => SNAPSHOT_DISK.format(d));
}
