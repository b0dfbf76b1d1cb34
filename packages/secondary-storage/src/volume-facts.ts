import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { StoragePoolDef } from '@tsvirt/conf';
import type { StorageVolRef } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, sysfsPath } from '@tsvirt/util';
import { targetOf } from './pool-xml.js';
import { imageInfo } from './qemu-img.js';

const D = ErrorDomain.STORAGE;

export const noVol = (how: string, what: string, quoted = true): VirError =>
  new VirError(ErrorCode.NO_STORAGE_VOL, `no storage vol with matching ${how} ${quoted ? `'${what}'` : what}`, D);

/**
 * One volume of a pool. In a dir pool, an entry of its directory that is a regular file, a
 * directory or a block device (also through a symlink): a file or directory is reached by its
 * entry's path, as libvirt shows it; a block device by its real path, so that what uses the volume
 * finds the device. In other pools, a block device (a partition, a logical volume, a LUN).
 */
export interface VolumeEntry {
  readonly pool: string;
  readonly name: string;
  readonly type: 'file' | 'dir' | 'block';
  /** The path the volume is used by, which is also its key. */
  readonly path: string;
  /** The entry in the pool's directory (a symlink for a linked block device); the path itself elsewhere. */
  readonly entry: string;
  /** The format a block volume shows (a partition's type); raw when absent. */
  readonly format?: string;
}

export const volRef = (v: VolumeEntry): StorageVolRef => ({ pool: v.pool, name: v.name, key: v.path });

/**
 * The volume an entry of a pool directory is, or undefined for anything else (fifos, sockets,
 * dangling links) and for names that are not entries of the directory ('/', '.', '..').
 */
export async function dirVolume(pool: StoragePoolDef, name: string): Promise<VolumeEntry | undefined> {
  if (name.includes('/') || name === '.' || name === '..' || name === '') return undefined;
  const entry = join(targetOf(pool), name);
  const l = await lstat(entry).catch(() => undefined);
  const st = l?.isSymbolicLink() ? await stat(entry).catch(() => undefined) : l;
  if (st?.isFile()) return { pool: pool.name, name, type: 'file', path: entry, entry };
  if (st?.isDirectory()) return { pool: pool.name, name, type: 'dir', path: entry, entry };
  if (st?.isBlockDevice()) return { pool: pool.name, name, type: 'block', path: await realpath(entry), entry };
  return undefined;
}

/** The volumes of a running dir pool, in name order. */
export async function dirVolumes(pool: StoragePoolDef): Promise<VolumeEntry[]> {
  const names = (await readdir(targetOf(pool)).catch(() => [])).sort();
  const entries = await Promise.all(names.map((n) => dirVolume(pool, n)));
  return entries.filter((e): e is VolumeEntry => e !== undefined);
}

/** A volume's sizes, format, backing image and the stat of what it is. */
export interface VolumeFacts extends VolumeEntry {
  readonly format: string;
  readonly capacity: bigint;
  readonly allocation: bigint;
  /** The file's size (absent for a directory). */
  readonly physical?: bigint;
  readonly stat: BigIntStats;
  readonly backing?: { readonly path: string; readonly format?: string };
  /** LUKS-encrypted: the image needs its secret to be read. */
  readonly encrypted?: boolean;
  /** A qcow2 image's cluster size in bytes. */
  readonly clusterSize?: bigint;
}

/** The size of a block device from sysfs (`/sys/dev/block/MAJ:MIN/size`, in 512-byte sectors). */
async function blockDeviceSize(st: BigIntStats): Promise<bigint> {
  const rdev = st.rdev;
  const major = ((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn);
  const minor = (rdev & 0xffn) | ((rdev >> 12n) & ~0xffn);
  const text = await readFile(sysfsPath(`dev/block/${major}:${minor}/size`), 'utf8').catch(() => '0');
  return BigInt(text.trim() || '0') * 512n;
}

/** What a stream needs of a volume: its bytes' size and how much of it is allocated. */
export type VolumeSizes = VolumeEntry & Pick<VolumeFacts, 'capacity' | 'allocation' | 'physical'>;

/**
 * A volume's sizes from stat alone (a block device's from sysfs), without qemu-img: a stream
 * carries a file's bytes whatever its format, so it needs no more (and a transfer no process).
 */
export async function volumeSizes(vol: VolumeEntry): Promise<VolumeSizes> {
  const st = await stat(vol.path, { bigint: true }).catch(() => {
    throw noVol('name', vol.name);
  });
  const size = vol.type === 'block' ? await blockDeviceSize(st) : st.size;
  return { ...vol, capacity: size, allocation: vol.type === 'block' ? size : st.blocks * 512n, physical: size };
}

/** What libvirt's refresh learns of a volume: stat for sizes and permissions, qemu-img for a file's format. */
export async function volumeFacts(vol: VolumeEntry): Promise<VolumeFacts> {
  const st = await stat(vol.path, { bigint: true }).catch(() => {
    throw noVol('name', vol.name);
  });
  if (vol.type === 'dir') return { ...vol, format: 'dir', capacity: 0n, allocation: 0n, stat: st };
  if (vol.type === 'block') {
    const size = await blockDeviceSize(st);
    return { ...vol, format: vol.format ?? 'raw', capacity: size, allocation: size, physical: size, stat: st };
  }
  const info = await imageInfo(vol.path);
  // A raw LUKS image is qemu's luks format; libvirt calls it a raw volume with LUKS encryption.
  const format = info?.format === 'luks' ? 'raw' : (info?.format ?? 'raw');
  return {
    ...vol,
    format,
    // qemu-img rounds a raw file's size up to whole sectors; libvirt shows the file's size.
    capacity: format === 'raw' && !info?.encrypted ? st.size : info!.virtualSize,
    allocation: st.blocks * 512n,
    physical: st.size,
    stat: st,
    ...(info?.encrypted ? { encrypted: true } : {}),
    ...(info?.clusterSize !== undefined ? { clusterSize: info.clusterSize } : {}),
    ...(info?.backingPath !== undefined ? { backing: { path: info.backingPath, ...(info.backingFormat ? { format: info.backingFormat } : {}) } } : {}),
  };
}
