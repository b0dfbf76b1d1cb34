import { chmod, chown, lstat, mkdir, mkdtemp, open, rm, rmdir, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoragePoolDef } from '@tsvirt/conf';
import { StorageVolCreateFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, errnoText, systemError } from '@tsvirt/util';
import { targetOf } from './pool-xml.js';
import { convertImageArgs, createImageArgs, qemuImg, type CreateImage } from './qemu-img.js';
import type { NewVolume } from './volume-def.js';
import { dirVolume, type VolumeFacts } from './volume-facts.js';
import { preallocate } from './volume-ops.js';

const D = ErrorDomain.STORAGE;
/** The mode libvirt gives a volume whose definition names none. */
const DEFAULT_VOL_MODE = 0o600;
/** The mode libvirt gives a `dir` volume whose definition names none. */
const DEFAULT_DIR_MODE = 0o755;

/** Fills a new raw file: `capacity` bytes, `allocation` of them reserved. */
async function fillRawFile(path: string, vol: NewVolume): Promise<void> {
  await truncate(path, Number(vol.capacity)).catch((e: unknown) => {
    throw systemError(`cannot extend file '${path}'`, e as NodeJS.ErrnoException, D);
  });
  await preallocate(path, vol.allocation < vol.capacity ? vol.allocation : vol.capacity);
}

/** The backing image of a new volume, which must exist. */
async function checkedBacking(vol: NewVolume): Promise<CreateImage['backing']> {
  if (!vol.backing) return undefined;
  if (vol.format === 'raw') throw new VirError(ErrorCode.NO_SUPPORT, 'backing storage not supported for raw volumes', D);
  const path = vol.backing.path;
  await stat(path).catch((e: unknown) => {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `inaccessible backing store volume ${path}: ${errnoText(e as NodeJS.ErrnoException)}`, D);
  });
  return { path, format: vol.backing.format };
}

/** Gives a new volume the mode and ids its definition names. */
async function applyPermissions(path: string, vol: NewVolume, defaultMode = DEFAULT_VOL_MODE): Promise<void> {
  await chmod(path, vol.perms.mode ?? defaultMode);
  if (vol.perms.owner !== undefined || vol.perms.group !== undefined) await chown(path, vol.perms.owner ?? -1, vol.perms.group ?? -1);
}

/** Refuses a name the pool already has a volume by, then a path anything else already has ('..', a fifo). */
export async function checkFreeName(pool: StoragePoolDef, name: string): Promise<string> {
  const taken = (): VirError => new VirError(ErrorCode.STORAGE_VOL_EXIST, `'${name}'`, D);
  if (await dirVolume(pool, name)) throw taken();
  // Not join(): libvirt names '..' as given.
  const path = `${targetOf(pool)}/${name}`;
  if (await lstat(path).then(() => true, () => false)) {
    // Another process may have claimed the name since the first look.
    if (await dirVolume(pool, name)) throw taken();
    throw new VirError(ErrorCode.OPERATION_INVALID, `volume target path '${path}' already exists`, D);
  }
  return path;
}

/** The image a new volume asks for; an encrypted one reads its passphrase from `secretFile`. */
export const imageOf = (path: string, vol: NewVolume, flags: number, backing?: CreateImage['backing'], secretFile?: string): CreateImage => ({
  path, format: vol.format, capacity: vol.capacity, allocation: vol.allocation,
  preallocMetadata: (flags & StorageVolCreateFlags.PREALLOC_METADATA) !== 0, features: vol.features,
  ...(vol.compat !== undefined ? { compat: vol.compat } : {}), ...(vol.clusterSize !== undefined ? { clusterSize: vol.clusterSize } : {}),
  ...(backing ? { backing } : {}),
  ...(vol.encryption && secretFile !== undefined ? { encryption: { secretFile, options: vol.encryption.options } } : {}),
});

/**
 * Runs `make` with the passphrase in a file only this process can read (qemu-img reads secrets
 * from files), removed again whatever happens.
 */
async function withSecretFile<T>(passphrase: Uint8Array, make: (file: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tsvirt-secret-'));
  try {
    const file = join(dir, 'passphrase');
    await writeFile(file, passphrase, { mode: 0o600 });
    return await make(file);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Claims a new volume's name by creating its file with O_EXCL, so that of two processes making the
 * same volume only one gets it (no lock is held while qemu-img copies, however long), then makes
 * the volume there; on failure the file is removed.
 */
async function claimAndMake(pool: StoragePoolDef, vol: NewVolume, make: (path: string) => Promise<void>): Promise<string> {
  const path = await checkFreeName(pool, vol.name);
  const fd = await open(path, 'wx', vol.perms.mode ?? DEFAULT_VOL_MODE).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new VirError(ErrorCode.STORAGE_VOL_EXIST, `'${vol.name}'`, D);
    throw systemError(`cannot create path '${path}'`, e as NodeJS.ErrnoException, D);
  });
  await fd.close();
  try {
    await make(path);
    await applyPermissions(path, vol);
  } catch (e) {
    await unlink(path).catch(() => undefined);
    throw e;
  }
  return path;
}

/** Makes a `dir` volume: a directory with the mode and ids its definition names (libvirt's default 0755). */
async function createDirVolume(pool: StoragePoolDef, vol: NewVolume): Promise<string> {
  const path = await checkFreeName(pool, vol.name);
  await mkdir(path, vol.perms.mode ?? DEFAULT_DIR_MODE).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new VirError(ErrorCode.STORAGE_VOL_EXIST, `'${vol.name}'`, D);
    throw systemError(`cannot create path '${path}'`, e as NodeJS.ErrnoException, D);
  });
  try {
    await applyPermissions(path, vol, DEFAULT_DIR_MODE);
  } catch (e) {
    await rmdir(path).catch(() => undefined);
    throw systemError(`cannot set permissions of '${path}'`, e as NodeJS.ErrnoException, D);
  }
  return path;
}

/**
 * Makes a new volume in a dir pool: a directory for the `dir` format, a raw file directly (as
 * libvirt does), any other format with `qemu-img create`.
 */
export async function createVolume(pool: StoragePoolDef, vol: NewVolume, flags: number, passphrase?: Uint8Array): Promise<string> {
  if (vol.format === 'dir') return createDirVolume(pool, vol);
  const backing = await checkedBacking(vol);
  return claimAndMake(pool, vol, async (path) => {
    if (vol.encryption && passphrase) await withSecretFile(passphrase, (file) => qemuImg(createImageArgs(imageOf(path, vol, flags, backing, file))));
    else if (vol.format === 'raw') await fillRawFile(path, vol);
    else await qemuImg(createImageArgs(imageOf(path, vol, flags, backing)));
  });
}

/**
 * Makes a new volume as a copy of `from` with `qemu-img convert`. A raw copy is as large as the
 * larger of the two capacities (libvirt extends the file); any other format keeps the source's.
 */
export async function cloneVolume(pool: StoragePoolDef, vol: NewVolume, from: VolumeFacts, flags: number): Promise<string> {
  if (vol.encryption || from.encrypted) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `cannot clone into or from an encrypted volume ('${vol.name}' from '${from.name}'): not supported here`, D);
  }
  if (vol.backing) await checkedBacking(vol);
  return claimAndMake(pool, vol, async (path) => {
    await qemuImg(convertImageArgs(from, imageOf(path, vol, flags)));
    if (vol.format === 'raw' && vol.capacity > from.capacity) await truncate(path, Number(vol.capacity));
  });
}
