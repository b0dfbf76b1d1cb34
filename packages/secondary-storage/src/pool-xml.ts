import { attr, firstChild, type StoragePoolDef } from '@tsvirt/conf';

/** The target directory of a pool (conf checked that a local pool has one). */
export const targetOf = (def: StoragePoolDef): string => def.targetPath!;

/** An attribute of the first `<source>` child named `child`. */
export function sourceAttr(def: StoragePoolDef, child: string, name: string): string | undefined {
  const source = firstChild(def.xml, 'source');
  const el = source && firstChild(source, child);
  return el && attr(el, name);
}

/** Whether two pools use the same storage: the same directory, or for fs pools the same device. */
export function sameStorage(a: StoragePoolDef, b: StoragePoolDef): boolean {
  if (a.targetPath === b.targetPath) return true;
  return a.type === 'fs' && b.type === 'fs' && sourceAttr(a, 'device', 'path') === sourceAttr(b, 'device', 'path');
}
