import { open, rmdir, truncate, unlink } from 'node:fs/promises';
import { StorageVolResizeFlags, StorageVolWipeAlgorithm, type StorageVolWipeOptions } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, runCommand, systemError } from '@tsvirt/util';
import { resizeImage } from './qemu-img.js';
import type { VolumeEntry, VolumeFacts } from './volume-facts.js';

const D = ErrorDomain.STORAGE;

/** Removes a volume's entry from its pool's directory (for a linked block device, the link); one already gone is no error. */
export async function deleteVolume(vol: VolumeEntry, flags: number): Promise<void> {
  checkFlags(flags, 0, 'virStorageBackendVolDeleteLocal', D);
  const dir = vol.type === 'dir';
  await (dir ? rmdir(vol.entry) : unlink(vol.entry)).catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw systemError(dir ? `cannot remove directory '${vol.entry}'` : `cannot unlink file '${vol.entry}'`, e as NodeJS.ErrnoException, D);
  });
}

/** Reserves the first `bytes` of a file on disk (libvirt's preallocation of raw files). */
export async function preallocate(path: string, bytes: bigint): Promise<void> {
  if (bytes > 0n) await runCommand('fallocate', ['-l', String(bytes), path], { domain: ErrorDomain.NONE });
}

const ZERO_CHUNK = 1024 * 1024;

/** What a wipe tells of its progress (the caller's StorageVolWipeOptions.onProgress). */
type OnProgress = StorageVolWipeOptions['onProgress'];

/** Overwrites the first `bytes` of a volume with zeros, telling `onProgress` after each chunk. */
async function writeZeros(path: string, bytes: bigint, onProgress: OnProgress): Promise<void> {
  const fd = await open(path, 'r+').catch((e: unknown) => {
    throw systemError(`Failed to open storage volume with path '${path}'`, e as NodeJS.ErrnoException, D);
  });
  try {
    const zeros = Buffer.alloc(ZERO_CHUNK);
    for (let at = 0n; at < bytes; at += BigInt(ZERO_CHUNK)) {
      const n = bytes - at < BigInt(ZERO_CHUNK) ? Number(bytes - at) : ZERO_CHUNK;
      await fd.write(zeros, 0, n, Number(at));
      onProgress?.(at + BigInt(n), bytes);
    }
    await fd.sync();
  } catch (e) {
    throw systemError(`Failed to write ${bytes} bytes to storage volume with path '${path}'`, e as NodeJS.ErrnoException, D);
  } finally {
    await fd.close();
  }
}

/**
 * Wipes a volume as libvirt's local backends do: zeros over its allocation; TRIM is refused, and
 * the other patterns need `scrub`, which the host has or not. `onProgress` hears the zeros
 * written as they go; `scrub` tells nothing until it ends.
 */
export async function wipeVolume(vol: VolumeFacts, algorithm: number, flags: number, onProgress?: OnProgress): Promise<void> {
  checkFlags(flags, 0, 'storageVolWipePattern', D);
  if (!Number.isInteger(algorithm) || algorithm < 0 || algorithm > StorageVolWipeAlgorithm.TRIM) {
    throw new VirError(ErrorCode.INVALID_ARG, `wiping algorithm ${algorithm} not supported`, D);
  }
  if (algorithm === StorageVolWipeAlgorithm.TRIM) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, "'trim' algorithm not supported", D);
  if (algorithm === StorageVolWipeAlgorithm.ZERO) {
    await writeZeros(vol.path, vol.allocation, onProgress);
    return;
  }
  const pattern = Object.entries(StorageVolWipeAlgorithm).find(([, v]) => v === algorithm)![0].toLowerCase();
  await runCommand('scrub', ['-f', '-p', pattern, vol.path], { domain: ErrorDomain.NONE }).catch((e: unknown) => {
    if (e instanceof VirError && e.code === ErrorCode.SYSTEM_ERROR) {
      throw new VirError(ErrorCode.SYSTEM_ERROR, "Cannot find 'scrub' in path: No such file or directory", ErrorDomain.NONE);
    }
    throw e;
  });
  onProgress?.(vol.allocation, vol.allocation);
}

/** The capacity a resize asks for: `capacity` itself, or the current one changed by it (DELTA). */
function targetCapacity(vol: VolumeFacts, capacity: bigint, flags: number): bigint {
  if (!(flags & StorageVolResizeFlags.DELTA)) return capacity;
  if (flags & StorageVolResizeFlags.SHRINK) return vol.capacity - (capacity < vol.capacity ? capacity : vol.capacity);
  return vol.capacity + capacity;
}

/**
 * The capacity a resize asks for, checked by libvirt's rules (storageVolResize): never below the
 * volume's allocation, smaller only with SHRINK, ALLOCATE only within what the pool has left.
 */
export function checkedCapacity(vol: VolumeFacts, capacity: bigint, flags: number, available: bigint): bigint {
  const { ALLOCATE, DELTA, SHRINK } = StorageVolResizeFlags;
  checkFlags(flags, ALLOCATE | DELTA | SHRINK, 'storageVolResize', D);
  const abs = targetCapacity(vol, capacity, flags);
  if (abs < vol.allocation) throw new VirError(ErrorCode.INVALID_ARG, "can't shrink capacity below existing allocation", D);
  if (abs < vol.capacity && !(flags & SHRINK)) {
    throw new VirError(ErrorCode.INVALID_ARG, "Can't shrink capacity below current capacity unless shrink flag explicitly specified", D);
  }
  const delta = flags & ALLOCATE ? abs - vol.allocation : 0n;
  if (delta > available) throw new VirError(ErrorCode.OPERATION_FAILED, 'Not enough space left in storage pool', D);
  return abs;
}

/**
 * Resizes a file volume (checkedCapacity's rules): a raw file is truncated (its new part reserved
 * with ALLOCATE, raw only), any other format goes through `qemu-img resize`.
 */
export async function resizeVolume(vol: VolumeFacts, capacity: bigint, flags: number, available: bigint): Promise<void> {
  const { ALLOCATE, SHRINK } = StorageVolResizeFlags;
  const abs = checkedCapacity(vol, capacity, flags, available);
  if (vol.format !== 'raw') {
    if (flags & ALLOCATE) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'preallocate is only supported for raw type volume', D);
    await resizeImage(vol.path, abs, (flags & SHRINK) !== 0);
    return;
  }
  if (flags & ALLOCATE) await preallocate(vol.path, abs);
  await truncate(vol.path, Number(abs)).catch((e: unknown) => {
    throw systemError(`Failed to truncate file '${vol.path}'`, e as NodeJS.ErrnoException, ErrorDomain.NONE);
  });
}
