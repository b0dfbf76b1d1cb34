import { chmod, chown, mkdir, opendir, rmdir, stat, statfs } from 'node:fs/promises';
import { formatStoragePoolXML, poolPart, withPoolPart, type StoragePoolDef } from '@tsvirt/conf';
import { StoragePoolBuildFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, systemError } from '@tsvirt/util';
import type { PoolSizes } from './pool-backend.js';
import { makeFileSystem } from './pool-mount.js';
import { poolPermissions } from './permissions.js';
import { targetOf } from './pool-xml.js';

const D = ErrorDomain.STORAGE;
/** Checks pool-build flags as libvirt does: OVERWRITE or NO_OVERWRITE, never both. */
export function checkBuildFlags(flags: number, fn: string): void {
  const { OVERWRITE, NO_OVERWRITE } = StoragePoolBuildFlags;
  checkFlags(flags, OVERWRITE | NO_OVERWRITE, fn, D);
  if ((flags & OVERWRITE) && (flags & NO_OVERWRITE)) {
    const text = "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and 'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive";
    throw new VirError(ErrorCode.INVALID_ARG, text, D, { message: text });
  }
}

/** The mode libvirt gives a pool directory it makes when the definition names none. */
const DEFAULT_POOL_MODE = 0o711;

/**
 * Builds a dir, fs or netfs pool: makes its target directory (and missing parents) and gives it
 * the mode and ids `<permissions>` names; a directory already there is kept. OVERWRITE and
 * NO_OVERWRITE make an fs pool's file system on its device; other types have no device to format.
 */
export async function buildDirPool(def: StoragePoolDef, flags: number): Promise<void> {
  const { OVERWRITE } = StoragePoolBuildFlags;
  checkBuildFlags(flags, 'virStorageBackendFileSystemBuild');
  if (flags && def.type !== 'fs') throw new VirError(ErrorCode.OPERATION_INVALID, `No source device specified when formatting pool '${def.name}'`, D);
  const dir = targetOf(def);
  const perms = poolPermissions(def);
  try {
    const found = await stat(dir).catch(() => undefined);
    // Something else at the path is left alone: the start that follows reports it.
    if (found && !found.isDirectory()) return;
    const existed = found !== undefined || (await mkdir(dir, { recursive: true })) === undefined;
    if (!existed || perms.mode !== undefined) await chmod(dir, perms.mode ?? DEFAULT_POOL_MODE);
    if (perms.owner !== undefined || perms.group !== undefined) await chown(dir, perms.owner ?? -1, perms.group ?? -1);
  } catch (e) {
    throw systemError(`cannot create path '${dir}'`, e as NodeJS.ErrnoException, D);
  }
  if (flags) await makeFileSystem(def, (flags & OVERWRITE) !== 0);
}

/** A dir pool can start when its target directory can be opened. */
export async function checkDirPool(def: StoragePoolDef): Promise<void> {
  const dir = targetOf(def);
  try {
    await (await opendir(dir)).close();
  } catch (e) {
    throw systemError(`cannot open directory '${dir}'`, e as NodeJS.ErrnoException, ErrorDomain.NONE);
  }
}

/** Removes a stopped dir pool's (empty) target directory. */
export async function deleteDirPool(def: StoragePoolDef, flags: number): Promise<void> {
  checkFlags(flags, 0, 'virStorageBackendDeleteLocal', D);
  const dir = targetOf(def);
  await rmdir(dir).catch((e: unknown) => {
    throw systemError(`failed to remove pool '${dir}'`, e as NodeJS.ErrnoException, D);
  });
}

/** A running pool's sizes: those of the file system holding its directory (statvfs; libvirt counts free blocks, reserved ones too, as available). */
export async function poolSizes(def: StoragePoolDef): Promise<PoolSizes> {
  const dir = targetOf(def);
  const s = await statfs(dir, { bigint: true }).catch((e: unknown) => {
    throw systemError(`cannot statvfs path '${dir}'`, e as NodeJS.ErrnoException, D);
  });
  const capacity = s.blocks * s.bsize;
  const available = s.bfree * s.bsize;
  return { capacity, allocation: capacity - available, available };
}

/**
 * A running pool's XML: its sizes, and for a directory the permissions it has now (libvirt reads
 * them back on every refresh).
 */
export async function livePoolXML(def: StoragePoolDef, sizes: PoolSizes, permissions: boolean): Promise<string> {
  const target = poolPart(def, 'target');
  let live = def;
  if (permissions && target) {
    const st = await stat(targetOf(def));
    live = withPoolPart(def, 'target', { ...target, permissions: { mode: `0${(st.mode & 0o7777).toString(8)}`, owner: String(st.uid), group: String(st.gid) } });
  }
  return formatStoragePoolXML({ ...live, capacity: sizes.capacity, allocation: sizes.allocation, available: sizes.available });
}
