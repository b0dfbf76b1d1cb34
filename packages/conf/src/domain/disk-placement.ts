import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement } from '../xml/xml-node.js';
import { deviceElement, parseDevice } from './devices/index.js';
import type { DeviceOf } from './device-edit.js';
import { defaultDiskBus, diskTargetIndex } from './disk-target.js';

type Disk = DeviceOf<'disk'>;
type DriveAddress = { controller: number; bus: number; target: number; unit: number };
type DiskBus = NonNullable<NonNullable<Disk['target']>['bus']>;

/** Buses whose disks sit at a drive address (controller, bus, target, unit). */
const DRIVE_BUSES = new Set(['ide', 'fdc', 'scsi', 'sata']);

const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, ErrorDomain.DOMAIN);

/**
 * Disks in the order libvirt's parser keeps them: each goes before the first later-numbered disk
 * of its written bus (an unwritten bus is a bus of its own), else after the last disk of that bus,
 * else at the end. Target names that name no index count as -1. Each bus keeps its disks sorted,
 * so a binary search finds the place in it; thousands of disks cost a few milliseconds.
 */
export function disksInParseOrder(disks: readonly Disk[]): Disk[] {
  const out: Disk[] = [];
  const byBus = new Map<string | undefined, Array<{ disk: Disk; index: number }>>();
  for (const disk of disks) {
    const index = diskTargetIndex(disk.target?.dev ?? '') ?? -1;
    const group = byBus.get(disk.target?.bus) ?? byBus.set(disk.target?.bus, []).get(disk.target?.bus)!;
    let lo = 0;
    let hi = group.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (group[mid]!.index > index) hi = mid;
      else lo = mid + 1;
    }
    const next = group[lo];
    const at = next ? out.indexOf(next.disk) : group.length ? out.indexOf(group[group.length - 1]!.disk) + 1 : out.length;
    out.splice(at, 0, disk);
    group.splice(lo, 0, { disk, index });
  }
  return out;
}

/** The drive address a target index stands for on a bus (narrow SCSI: 7 units a controller). */
function driveFor(bus: string, idx: number): DriveAddress {
  if (bus === 'ide') return { controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), target: 0, unit: idx % 2 };
  if (bus === 'fdc') return { controller: Math.floor(idx / 2), bus: 0, target: 0, unit: idx % 2 };
  if (bus === 'sata') return { controller: Math.floor(idx / 6), bus: 0, target: 0, unit: idx % 6 };
  return { controller: Math.floor(idx / 7), bus: 0, target: 0, unit: idx % 7 };
}

/**
 * One disk after libvirt's generic post-parse: its bus from the target name when unwritten, a
 * CD-ROM read-only, and on a drive bus a drive address (from the target index, or the written one
 * with its missing numbers as 0).
 */
function placeDisk(disk: Disk): Disk {
  const dev = disk.target?.dev ?? '';
  const bus = disk.target?.bus ?? (defaultDiskBus(disk.device, dev) as DiskBus);
  const placed: Disk = { ...disk, target: { ...disk.target, bus } };
  if (disk.device === 'cdrom') placed.readonly = true;
  if (!DRIVE_BUSES.has(bus)) return placed;
  const a = disk.address;
  if (a === undefined) {
    const idx = diskTargetIndex(dev);
    if (idx !== undefined) placed.address = { type: 'drive', ...driveFor(bus, idx) };
  } else if (a.type === 'drive') {
    placed.address = { ...a, controller: a.controller ?? 0, bus: a.bus ?? 0, target: a.target ?? 0, unit: a.unit ?? 0 };
  } else {
    throw unsupported(`Invalid address type '${a.type ?? ''}' for the disk '${dev}' with the bus type '${bus}'`);
  }
  return placed;
}

/** libvirt refuses two disks of one bus at one drive address, naming the first. */
function checkDriveAddresses(disks: readonly Disk[]): void {
  const seen = new Map<string, Disk>();
  for (const d of disks) {
    const a = d.address;
    if (a?.type !== 'drive') continue;
    const where = `controller='${a.controller}' bus='${a.bus}' target='${a.target}' unit='${a.unit}'`;
    const key = `${d.target?.bus} ${where}`;
    const first = seen.get(key);
    if (first) throw unsupported(`Found duplicate drive address for disk with target name '${first.target?.dev}' ${where}`);
    seen.set(key, d);
  }
}

/**
 * The `<disk>` elements of `devices` replaced by libvirt's view of them: in its parse order,
 * with buses, read-only CD-ROMs and drive addresses filled in. Other devices keep their places;
 * the disks take the places the disks had.
 */
export function placeDisks(devices: readonly XmlElement[]): XmlElement[] {
  const disks: Disk[] = [];
  for (const el of devices) if (el.name === 'disk') disks.push(parseDevice(el) as Disk);
  if (disks.length === 0) return [...devices];
  const placed = mapPacked(disksInParseOrder(disks), placeDisk);
  checkDriveAddresses(placed);
  let next = 0;
  return mapPacked(devices, (el) => (el.name === 'disk' ? deviceElement(placed[next++]!) : el));
}
