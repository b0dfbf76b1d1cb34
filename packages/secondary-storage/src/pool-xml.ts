import { attr, childElements, firstChild, textOf, type StoragePoolDef } from '@tsvirt/conf';

/** The target directory of a pool (conf checked that a local pool has one). */
export const targetOf = (def: StoragePoolDef): string => def.targetPath!;

/** An attribute of the first `<source>` child named `child`. */
export function sourceAttr(def: StoragePoolDef, child: string, name: string): string | undefined {
  const source = firstChild(def.xml, 'source');
  const el = source && firstChild(source, child);
  return el && attr(el, name);
}

/** Whether two pools use the same storage: the same directory, device, volume group, target or adapter. */
export function sameStorage(a: StoragePoolDef, b: StoragePoolDef): boolean {
  if (DIR_TYPES.has(a.type) && DIR_TYPES.has(b.type) && a.targetPath === b.targetPath) return true;
  if (a.type !== b.type) return false;
  const same = (child: string, name: string): boolean => sourceAttr(a, child, name) !== undefined && sourceAttr(a, child, name) === sourceAttr(b, child, name);
  switch (a.type) {
    case 'fs': case 'disk': return same('device', 'path');
    case 'logical': return sourceName(a) === sourceName(b);
    case 'iscsi': case 'iscsi-direct': return same('host', 'name') && same('device', 'path');
    case 'scsi': return same('adapter', 'name');
    default: return false;
  }
}

/** The pool types whose volumes live in a target directory of the host. */
const DIR_TYPES: ReadonlySet<string> = new Set(['dir', 'fs', 'netfs']);

/** The text of `<source><name>` (a volume group's name). */
export function sourceName(def: StoragePoolDef): string | undefined {
  const source = firstChild(def.xml, 'source');
  const el = source && firstChild(source, 'name');
  return el && textOf(el).trim();
}

/** The paths of every `<source><device>` (a logical pool's physical volumes). */
export function sourceDevices(def: StoragePoolDef): string[] {
  const source = firstChild(def.xml, 'source');
  return source ? childElements(source, 'device').map((d) => attr(d, 'path') ?? '').filter(Boolean) : [];
}
