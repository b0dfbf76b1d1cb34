import { attr, firstChild, parseStoragePoolXML, parseXml, textOf, type StoragePoolDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const xmlError = (detail: string, domain: ErrorDomain = ErrorDomain.STORAGE): VirError => new VirError(ErrorCode.XML_ERROR, detail, domain);

/** libvirt's pool types in its enumeration's order (the number names the type in messages). */
const POOL_TYPES = ['dir', 'fs', 'netfs', 'logical', 'disk', 'iscsi', 'iscsi-direct', 'scsi', 'mpath', 'rbd', 'sheepdog', 'gluster', 'zfs', 'vstorage'];

/** The pool types this driver has a backend for. */
const BACKENDS = new Set(['dir']);

/**
 * A pool definition as libvirt's storage driver accepts one: the document's syntax, root element
 * and type as its XML layer reports them, a name without '/', a target path, and a type this
 * driver has a backend for.
 */
export function parsePoolDefinition(xml: string): StoragePoolDef {
  const root = parseXml(xml, 'storage_pool_definition', ErrorDomain.STORAGE);
  if (root.name !== 'pool') throw xmlError(`expecting root element of 'pool', not '${root.name}'`, ErrorDomain.XML);
  const type = attr(root, 'type');
  if (type === undefined) throw xmlError("Missing required attribute 'type' in element 'pool'", ErrorDomain.XML);
  if (!POOL_TYPES.includes(type)) throw xmlError(`Invalid value for attribute 'type' in element 'pool': '${type}'.`, ErrorDomain.XML);
  if (!firstChild(root, 'name')) throw xmlError('missing pool source name element');
  const def = parseStoragePoolXML(xml);
  if (def.name.includes('/')) throw xmlError(`name ${def.name} cannot contain '/'`);
  if (def.targetPath === undefined) throw xmlError('missing storage pool target path');
  if (!BACKENDS.has(type)) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `missing backend for pool type ${POOL_TYPES.indexOf(type)} (${type})`, ErrorDomain.STORAGE);
  }
  return def;
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
