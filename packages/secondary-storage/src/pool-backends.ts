import { POOL_TYPE_NAMES, parseStoragePoolXML, type StoragePoolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { dirBackend } from './dir-backend.js';
import { diskBackend } from './disk/disk-backend.js';
import { findNetfsSources } from './netfs-sources.js';
import { iscsiBackend } from './iscsi/iscsi-backend.js';
import { iscsiDirectBackend } from './iscsi/iscsi-direct-backend.js';
import { logicalBackend } from './logical/logical-backend.js';
import { scsiBackend } from './scsi/scsi-backend.js';
import { poolPermissions } from './permissions.js';
import type { PoolBackend } from './pool-backend.js';

/**
 * The backend of each pool type this driver has one for. `iscsi-direct` pools are defined and
 * formatted, but refused at start: they need libiscsi in the process (see NEEDS_LIBISCSI).
 */
const BACKENDS: ReadonlyMap<string, PoolBackend> = new Map([
  ['dir', dirBackend(false)],
  ['fs', dirBackend(true)],
  ['netfs', dirBackend(true, findNetfsSources)],
  ['logical', logicalBackend],
  ['disk', diskBackend],
  ['iscsi', iscsiBackend],
  ['iscsi-direct', iscsiDirectBackend],
  ['scsi', scsiBackend],
]);

/** libvirt's error for a pool type without a backend (the type's number is its place in libvirt's enumeration). */
export const missingBackend = (type: string): VirError =>
  new VirError(ErrorCode.INTERNAL_ERROR, `missing backend for pool type ${POOL_TYPE_NAMES.indexOf(type)} (${type})`, ErrorDomain.STORAGE);

/** Whether pools of a type can run here: it has a backend, and not one that refuses every start. */
export const hasBackend = (type: string): boolean => BACKENDS.has(type) && BACKENDS.get(type)!.unavailable === undefined;

/** The backend of a pool type, or libvirt's "missing backend" error. */
export function backendOf(type: string): PoolBackend {
  const backend = BACKENDS.get(type);
  if (!backend) throw missingBackend(type);
  return backend;
}

/**
 * A pool definition as libvirt's storage driver accepts one: conf's parse (libvirt's storage conf
 * checks and normalisations), then a type this driver has a backend for and permissions it can
 * apply.
 */
export function parsePoolDefinition(xml: string): StoragePoolDef {
  const def = parseStoragePoolXML(xml);
  backendOf(def.type);
  poolPermissions(def);
  return def;
}
