import { poolPart, type PoolPart, type StoragePoolDef } from '@tsvirt/conf';
import { sameAdapter } from './scsi/adapter-match.js';

/** The target directory of a pool (conf checked that a local pool has one). */
export const targetOf = (def: StoragePoolDef): string => def.targetPath!;

/** A pool's `<source>`, typed (empty when it has none). */
export const sourceOf = (def: StoragePoolDef): PoolPart<'source'> => poolPart(def, 'source') ?? {};

/** The path of the first `<source><device>` (an fs or disk pool's device, an iSCSI target's IQN). */
export const sourceDevice = (def: StoragePoolDef): string | undefined => sourceOf(def).devices?.[0]?.path;

/** The paths of every `<source><device>` (a logical pool's physical volumes). */
export const sourceDevices = (def: StoragePoolDef): string[] =>
  (sourceOf(def).devices ?? []).map((d) => d.path).filter((p): p is string => p !== undefined);

/** The pool types whose volumes live in a target directory of the host. */
const DIR_TYPES: ReadonlySet<string> = new Set(['dir', 'fs', 'netfs']);

/** Whether two pools use the same storage: the same directory, device, volume group, target or adapter. */
export function sameStorage(a: StoragePoolDef, b: StoragePoolDef): boolean {
  if (DIR_TYPES.has(a.type) && DIR_TYPES.has(b.type) && a.targetPath === b.targetPath) return true;
  if (a.type !== b.type) return false;
  const [sa, sb] = [sourceOf(a), sourceOf(b)];
  const same = (x: string | undefined, y: string | undefined): boolean => x !== undefined && x === y;
  switch (a.type) {
    case 'fs': case 'disk': return same(sourceDevice(a), sourceDevice(b));
    case 'logical': return sa.name === sb.name;
    case 'iscsi': case 'iscsi-direct': return same(sa.hosts?.[0]?.name, sb.hosts?.[0]?.name) && same(sourceDevice(a), sourceDevice(b));
    case 'scsi': return sameAdapter(sa.adapter, sb.adapter);
    default: return false;
  }
}
