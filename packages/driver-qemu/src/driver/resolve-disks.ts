import { statSync } from 'node:fs';
import type { XmlElement } from '@tsvirt/conf';
import type { ResolvedDisk } from '../command/disk-props.js';
import { diskAlias, disksOf, driveAddress, scsiControllerModel, type QemuDisk } from '../devices/qemu-disk.js';
import type { DriverContext } from './driver-context.js';
import { controllerAlias } from '../devices/device-aliases.js';
import { backingLayers } from '../blockjob/image-chain.js';
import { fdGroupOf } from '../fdgroup/fd-sets.js';

/** The host path of a disk's source; a volume's through the storage driver. */
async function sourcePath(drv: DriverContext, v: QemuDisk): Promise<string | undefined> {
  if (v.type === 'volume' && v.pool !== undefined && v.volume !== undefined) return drv.volumePath(v.pool, v.volume);
  return v.path;
}

/**
 * Looked at once: fs/promises' stat is a thread-pool trip, and loading fs/promises (with readline)
 * cost an attach-disk that uses nothing else of it about 4M instructions.
 */
function isBlockDevice(path: string | undefined): boolean {
  if (path === undefined) return false;
  try {
    return statSync(path, { throwIfNoEntry: false })?.isBlockDevice() ?? false;
  } catch {
    return false;
  }
}

/** Resolves one disk: its source path and kind, its node number and device id. */
export async function resolveDisk(
  drv: DriverContext, view: QemuDisk, devices: readonly XmlElement[], node: number, bootIndex?: number,
): Promise<ResolvedDisk> {
  const path = await sourcePath(drv, view);
  const isBlock = view.type === 'block' || isBlockDevice(path);
  const controller = driveAddress(view).controller;
  const scsiModel = view.bus === 'scsi' ? scsiControllerModel(devices, controller) : undefined;
  const scsiBus = view.bus === 'scsi' ? controllerAlias(devices, 'scsi', controller) : undefined;
  return { view, path, isBlock, node, alias: view.alias ?? diskAlias(view, scsiModel), bootIndex, scsiModel, scsiBus };
}

/**
 * bootindex of each disk: a per-device `<boot order>`, else the first disk of each kind that the
 * domain's `<boot dev>` list names, numbered by its place in the list.
 */
function bootIndexes(views: readonly QemuDisk[], bootDevs: readonly string[]): Array<number | undefined> {
  const explicit = views.map((v) => v.disk.bootOrder);
  if (explicit.some((x) => x !== undefined)) return explicit;
  const out: Array<number | undefined> = views.map(() => undefined);
  bootDevs.forEach((dev, i) => {
    const at = views.findIndex((v) => (dev === 'cdrom' || dev === 'fd' ? v.device === (dev === 'fd' ? 'floppy' : 'cdrom') : dev === 'hd' && v.device !== 'cdrom' && v.device !== 'floppy'));
    if (at >= 0 && out[at] === undefined) out[at] = i + 1;
  });
  return out;
}

/**
 * Resolves all disks of a domain being started with their backing images; block nodes are
 * numbered as libvirt numbers them: the disks' own images (with the backing images their
 * definitions name) from the last disk up, then the backing images read from the images.
 */
export async function resolveDisksForStart(drv: DriverContext, devices: readonly XmlElement[], bootDevs: readonly string[]): Promise<ResolvedDisk[]> {
  const views = disksOf(devices);
  const boot = bootIndexes(views, bootDevs);
  const resolved = await Promise.all(views.map((v, i) => resolveDisk(drv, v, devices, 0, boot[i])));
  // QEMU opens no backing image of a disk opened through descriptors (fd-sets.ts), so none is read
  const chains = await Promise.all(resolved.map((r) => (fdGroupOf(r) === undefined ? backingLayers(r.path, r.view.format, r.isBlock) : [])));
  // Each disk's image and the backing images its definition names first, then the ones read from
  // the images, each pass from the last disk up.
  const given = resolved.map((r, i) => Math.min(r.view.disk.backingStore?.length ?? 0, chains[i]!.length));
  const indexes: number[][] = resolved.map(() => []);
  let next = 1;
  for (let i = resolved.length - 1; i >= 0; i--) for (let k = 0; k <= given[i]!; k++) indexes[i]!.push(next++);
  for (let i = resolved.length - 1; i >= 0; i--) for (let k = given[i]!; k < chains[i]!.length; k++) indexes[i]!.push(next++);
  return resolved.map((r, i) => ({ ...r, node: indexes[i]![0]!, backing: chains[i]!.map((l, k) => ({ ...l, index: indexes[i]![k + 1]! })) }));
}

/** How many block node numbers the disks of a start took, backing images included. */
export const nodesTaken = (disks: readonly ResolvedDisk[]): number => disks.reduce((n, d) => n + 1 + (d.backing?.length ?? 0), 0);

/** A disk's source index and `<backingStore>` chain in the live definition, for a disk with an image. */
export function liveChain(d: ResolvedDisk): Pick<ResolvedDisk['view']['disk'], 'source' | 'backingStore'> {
  const source = d.view.disk.source;
  if (d.path === undefined || !source || d.view.type === 'volume') return {};
  return { source: { ...source, index: d.node }, backingStore: [...(d.backing ?? [])] };
}

/**
 * A disk being plugged, with the backing images read from its image headers. Numbered as libvirt
 * 9.0 numbers a plugged disk: one number spent per backing image first, then the disk's own image
 * and its backing images top down (after node 1, a chain of two is 4, 5, 6 and 2, 3 stay unused).
 */
export async function resolveHotplugDisk(drv: DriverContext, view: QemuDisk, devices: readonly XmlElement[], next: number): Promise<ResolvedDisk> {
  const disk = await resolveDisk(drv, view, devices, next);
  const layers = fdGroupOf(disk) === undefined ? await backingLayers(disk.path, disk.view.format, disk.isBlock) : [];
  const node = next + layers.length;
  return { ...disk, node, backing: layers.map((l, k) => ({ ...l, index: node + 1 + k })) };
}
