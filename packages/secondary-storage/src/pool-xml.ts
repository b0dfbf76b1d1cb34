import { POOL_TYPE_NAMES, attr, firstChild, parseStoragePoolXML, type StoragePoolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { permissionsOf } from './permissions.js';

/** The pool types this driver has a backend for. */
export const BACKENDS: ReadonlySet<string> = new Set(['dir', 'fs', 'netfs']);

/** libvirt's error for a pool type without a backend (the type's number is its place in libvirt's enumeration). */
export const missingBackend = (type: string): VirError =>
  new VirError(ErrorCode.INTERNAL_ERROR, `missing backend for pool type ${POOL_TYPE_NAMES.indexOf(type)} (${type})`, ErrorDomain.STORAGE);

/**
 * A pool definition as libvirt's storage driver accepts one: conf's parse (libvirt's storage conf
 * checks and normalisations), then a type this driver has a backend for and permissions it can
 * apply.
 */
export function parsePoolDefinition(xml: string): StoragePoolDef {
  const def = parseStoragePoolXML(xml);
  if (!BACKENDS.has(def.type)) throw missingBackend(def.type);
  permissionsOf(def.xml);
  return def;
}

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
