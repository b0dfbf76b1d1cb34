import { DomainMigrateFlags as MF, DomainMigrateParam as MP, findTypedParam, type TypedParameter } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { copiesStorage } from './storage-disks.js';

const D = ErrorDomain.QEMU;

/** The migration flags this driver takes (QEMU_MIGRATION_FLAGS less what it does not implement). */
export const MIGRATION_FLAGS = MF.LIVE | MF.PEER2PEER | MF.PERSIST_DEST | MF.UNDEFINE_SOURCE | MF.PAUSED | MF.NON_SHARED_DISK
  | MF.NON_SHARED_INC | MF.CHANGE_PROTECTION | MF.UNSAFE | MF.OFFLINE | MF.COMPRESSED | MF.ABORT_ON_ERROR | MF.AUTO_CONVERGE
  | MF.NON_SHARED_SYNCHRONOUS_WRITES;

/** The typed parameters this driver reads; others are refused as libvirt refuses unknown ones. */
const KNOWN_PARAMS: ReadonlySet<string> = new Set([
  MP.URI, MP.DEST_NAME, MP.DEST_XML, MP.PERSIST_XML, MP.BANDWIDTH, MP.LISTEN_ADDRESS, MP.MIGRATE_DISKS, MP.DISKS_PORT, MP.DISKS_URI,
  MP.COMPRESSION, MP.COMPRESSION_XBZRLE_CACHE, MP.AUTO_CONVERGE_INITIAL, MP.AUTO_CONVERGE_INCREMENT,
]);

export function checkMigrationArgs(params: readonly TypedParameter[], flags: number, fn: string): void {
  // libvirt 9.0 with a -blockdev QEMU copies storage only over its own NBD connections
  if (flags & MF.TUNNELLED && copiesStorage(flags)) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'migration of non-shared storage is not supported with tunnelled migration and this QEMU', D);
  }
  checkFlags(flags, MIGRATION_FLAGS, fn, D);
  for (const p of params) {
    if (!KNOWN_PARAMS.has(p.field)) throw new VirError(ErrorCode.INVALID_ARG, `parameter '${p.field}' not supported`, D);
  }
}

/** A string parameter's value. */
export function stringParam(params: readonly TypedParameter[], field: string): string | undefined {
  const p = findTypedParam(params, field);
  return p && typeof p.value === 'string' ? p.value : undefined;
}

/** An unsigned long long parameter's value as a number. */
export function numberParam(params: readonly TypedParameter[], field: string): number | undefined {
  const p = findTypedParam(params, field);
  return p === undefined ? undefined : Number(p.value);
}

const invalid = (msg: string): VirError => new VirError(ErrorCode.OPERATION_INVALID, msg, D);

/** qemuMigrationSrcBegin's checks of an offline migration's flags. */
export function checkOfflineFlags(flags: number): void {
  if (!(flags & MF.OFFLINE)) return;
  if (flags & (MF.NON_SHARED_DISK | MF.NON_SHARED_INC)) throw invalid('offline migration cannot handle non-shared storage');
  if (!(flags & MF.PERSIST_DEST)) throw invalid('offline migration must be specified with the persistent flag set');
}
