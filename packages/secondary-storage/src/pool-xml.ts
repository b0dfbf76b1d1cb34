import { POOL_TYPE_NAMES, attr, firstChild, parseStoragePoolXML, textOf, type StoragePoolDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** The pool types this driver has a backend for. */
export const BACKENDS: ReadonlySet<string> = new Set(['dir', 'fs', 'netfs']);

/** libvirt's error for a pool type without a backend (the type's number is its place in libvirt's enumeration). */
export const missingBackend = (type: string): VirError =>
  new VirError(ErrorCode.INTERNAL_ERROR, `missing backend for pool type ${POOL_TYPE_NAMES.indexOf(type)} (${type})`, ErrorDomain.STORAGE);

/**
 * A pool definition as libvirt's storage driver accepts one: conf's parse (libvirt's storage conf
 * checks and normalisations), then a type this driver has a backend for.
 */
export function parsePoolDefinition(xml: string): StoragePoolDef {
  const def = parseStoragePoolXML(xml);
  if (!BACKENDS.has(def.type)) throw missingBackend(def.type);
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

/** `<target><permissions>` of a pool or volume definition: mode and ids when given. */
export interface Permissions {
  readonly mode?: number;
  readonly owner?: number;
  readonly group?: number;
}

/** The `<target><permissions>` of a pool or volume definition (conf has normalised their spelling). */
export function permissionsOf(root: XmlElement): Permissions {
  const target = firstChild(root, 'target');
  const perms = target && firstChild(target, 'permissions');
  const num = (name: string, radix: number): number | undefined => {
    const el = perms && firstChild(perms, name);
    return el ? parseInt(textOf(el).trim(), radix) : undefined;
  };
  const mode = num('mode', 8);
  const owner = num('owner', 10);
  const group = num('group', 10);
  return { ...(mode !== undefined ? { mode } : {}), ...(owner !== undefined ? { owner } : {}), ...(group !== undefined ? { group } : {}) };
}
