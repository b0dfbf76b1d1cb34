import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { StoragePoolDef } from '@tsvirt/conf';
import { StoragePoolBuildFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, runCommand } from '@tsvirt/util';
import { checkDeviceFormat } from '../device-probe.js';
import { checkBuildFlags } from '../dir-pool.js';
import type { PoolBackend } from '../pool-backend.js';
import { sourceDevice, sourceOf } from '../pool-xml.js';
import type { VolumeEntry } from '../volume-facts.js';
import {
  freeAfter, labelFormat, mkpartArgs, nextPartitionNumber, parsePartedPrint, partedLabel, partitionFormat, partitionPath, placePartition,
  resizepartArgs, type DiskLayout,
} from './parted.js';

const D = ErrorDomain.STORAGE;
const run = (args: string[]): Promise<{ stdout: string }> => runCommand('parted', args, { domain: ErrorDomain.NONE });

const deviceOf = (def: StoragePoolDef): string => sourceDevice(def) ?? '';
/** The pool's label format as libvirt names it (`unknown` when the definition names none). */
const formatOf = (def: StoragePoolDef): string => sourceOf(def).format ?? 'unknown';
/** The label a pool expects, in blkid's words (`dos`, `gpt`, ...); libvirt builds an unknown format as dos. */
const expectedLabel = (def: StoragePoolDef): string => labelFormat(partedLabel(formatOf(def)));

async function layoutOf(def: StoragePoolDef): Promise<DiskLayout> {
  return parsePartedPrint((await run(['-m', '-s', deviceOf(def), 'unit', 'B', 'print', 'free'])).stdout);
}

/** The volumes a disk's partitions are: named after their devices (loop0p1, sdb2), in partition order. */
function partitionVolumes(def: StoragePoolDef, layout: DiskLayout): VolumeEntry[] {
  return layout.partitions.map((p) => {
    const path = partitionPath(deviceOf(def), p.num!);
    return { pool: def.name, name: basename(path), type: 'block', path, entry: path, format: partitionFormat(p.fs) };
  });
}

/** The number of the partition a volume is (`loop0p2` of `/dev/loop0`: 2). */
function partitionNumber(def: StoragePoolDef, name: string): number {
  const num = /(\d+)$/.exec(name.slice(basename(deviceOf(def)).length))?.[1];
  if (!num) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot parse partition number of '${name}'`, D);
  return Number(num);
}

/** A start or refresh: the device must exist and carry the pool's label. */
async function checkDisk(def: StoragePoolDef): Promise<void> {
  const device = deviceOf(def);
  if (!(await stat(device).then(() => true, () => false))) throw new VirError(ErrorCode.INVALID_ARG, `device path '${device}' doesn't exist`, D);
  await checkDeviceFormat(device, 'PTTYPE', expectedLabel(def), false);
}

/** Waits for the kernel to show a new partition's device node (no udev is needed for devtmpfs). */
async function waitForNode(path: string): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (await stat(path).then((s) => s.isBlockDevice(), () => false)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/**
 * The `disk` pool: a partition table on a block device, its partitions the volumes, all through
 * `parted` as libvirt's disk backend runs it (mklabel, mkpart, rm). New partitions start on 1 MiB
 * boundaries (libvirt aligns to cylinders).
 */
export const diskBackend: PoolBackend = {
  async build(def, flags) {
    checkBuildFlags(flags, 'virStorageBackendDiskBuildPool');
    if (!(flags & StoragePoolBuildFlags.OVERWRITE)) await checkDeviceFormat(deviceOf(def), 'PTTYPE', expectedLabel(def), true);
    await run([deviceOf(def), 'mklabel', '--script', partedLabel(formatOf(def))]);
  },
  start: checkDisk,
  stop: async () => undefined,
  check: checkDisk,
  async sizes(def) {
    const layout = await layoutOf(def);
    const sum = (xs: readonly { size: bigint }[]): bigint => xs.reduce((a, x) => a + x.size, 0n);
    return { capacity: layout.size, allocation: sum(layout.partitions), available: sum(layout.free) };
  },
  livePermissions: false,
  volumes: async (def) => partitionVolumes(def, await layoutOf(def)),
  volume: async (def, name) => partitionVolumes(def, await layoutOf(def)).find((v) => v.name === name),
  async createVolume(def, vol, flags) {
    checkFlags(flags, 0, 'virStorageBackendDiskCreateVol', D);
    const layout = await layoutOf(def);
    const device = deviceOf(def);
    const path = partitionPath(device, nextPartitionNumber(layout));
    // The kernel names the partition; libvirt asks the definition to name it so.
    if (vol.name !== basename(path)) throw new VirError(ErrorCode.INVALID_ARG, `invalid partition name '${vol.name}', expected '${basename(path)}'`, D);
    const place = placePartition(layout, vol.capacity);
    if (vol.capacity === 0n || !place) throw new VirError(ErrorCode.INTERNAL_ERROR, 'no large enough free extent', D);
    await run(mkpartArgs(device, vol.format, place.start, place.end));
    if (!(await waitForNode(path))) {
      await run([device, 'rm', '--script', String(nextPartitionNumber(layout))]).catch(() => undefined);
      throw new VirError(ErrorCode.OPERATION_FAILED, `partition '${path}' did not appear`, D);
    }
  },
  async deleteVolume(def, vol, flags) {
    checkFlags(flags, 0, 'virStorageBackendDiskDeleteVol', D);
    await run([deviceOf(def), 'rm', '--script', String(partitionNumber(def, vol.name))]);
  },
  resizable: false,
  /** A partition grows into the free space right after it (`parted resizepart`); libvirt's rules keep it from shrinking. */
  async resizeVolume(def, vol, capacity) {
    const layout = await layoutOf(def);
    const num = partitionNumber(def, vol.name);
    const part = layout.partitions.find((p) => p.num === num);
    if (!part) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot find partition ${num} of '${deviceOf(def)}'`, D);
    if (capacity <= part.size) return;
    const room = part.size + (freeAfter(layout, part)?.size ?? 0n);
    if (capacity > room) {
      throw new VirError(ErrorCode.OPERATION_FAILED, `cannot grow partition '${vol.name}' to ${capacity} bytes: only ${room} bytes up to the next partition or the end of the disk`, D);
    }
    await run(resizepartArgs(deviceOf(def), num, part.start, capacity));
  },
};
