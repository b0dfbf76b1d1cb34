import { attr, childElements, firstChild, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** sgio of a `device='lun'` disk: whether the kernel filters the SCSI commands the guest sends. */
export type Sgio = 'filtered' | 'unfiltered';

/** What a `<disk>` element says, typed; the element itself stays the source of truth. */
export interface DiskView {
  readonly el: XmlElement;
  readonly type: 'file' | 'block' | 'volume';
  readonly device: 'disk' | 'cdrom' | 'lun' | 'floppy';
  /** The host path for file and block disks; a volume's path is resolved at start. */
  readonly path: string | undefined;
  /** Pool and volume of a `type='volume'` disk. */
  readonly pool: string | undefined;
  readonly volume: string | undefined;
  readonly format: 'raw' | 'qcow2';
  readonly target: string;
  readonly bus: string;
  readonly readonly: boolean;
  readonly shareable: boolean;
  readonly sgio: Sgio | undefined;
  /** The device id given to QEMU (libvirt's `<alias name>`), present in live definitions. */
  readonly alias: string | undefined;
}

const D = ErrorDomain.DOMAIN;
const TYPES = ['file', 'block', 'volume'] as const;
const DEVICES = ['disk', 'cdrom', 'lun', 'floppy'] as const;
const BUSES = ['virtio', 'scsi', 'ide', 'sata'] as const;

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unsupported ${what} '${value}'`, D);
  }
  return value as T;
}

/** The bus of a disk element: `<target bus>`, or what the target name implies, as libvirt guesses it. */
export function diskBus(el: XmlElement): string {
  const target = firstChild(el, 'target');
  const explicit = target && attr(target, 'bus');
  if (explicit) return explicit;
  const dev = (target && attr(target, 'dev')) ?? '';
  if (dev.startsWith('vd')) return 'virtio';
  if (dev.startsWith('sd')) return 'scsi';
  return 'ide';
}

/** Reads a `<disk>` element, refusing what the QEMU driver cannot run. */
export function diskView(el: XmlElement): DiskView {
  const type = oneOf(attr(el, 'type') ?? 'file', TYPES, 'disk type');
  const device = oneOf(attr(el, 'device') ?? 'disk', DEVICES, 'disk device');
  const source = firstChild(el, 'source');
  const targetEl = firstChild(el, 'target');
  const target = targetEl && attr(targetEl, 'dev');
  if (!target) throw new VirError(ErrorCode.NO_TARGET, source ? (attr(source, 'file') ?? attr(source, 'dev')) : undefined, D);
  const bus = oneOf(diskBus(el), BUSES, `disk bus for '${target}'`);
  const driver = firstChild(el, 'driver');
  const format = oneOf(driver ? (attr(driver, 'type') ?? 'raw') : 'raw', ['raw', 'qcow2'] as const, `disk format for '${target}'`);
  const sgioAttr = attr(el, 'sgio');
  const sgio = sgioAttr === undefined ? undefined : oneOf(sgioAttr, ['filtered', 'unfiltered'] as const, `sgio for '${target}'`);
  if (sgio !== undefined && device !== 'lun') {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `sgio is only supported for device='lun' disks (disk '${target}')`, D);
  }
  if (device === 'lun' && type === 'file') {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `disk type 'file' is not supported for device='lun' (disk '${target}')`, D);
  }
  const path = source && (type === 'file' ? attr(source, 'file') : type === 'block' ? attr(source, 'dev') : undefined);
  const pool = source && type === 'volume' ? attr(source, 'pool') : undefined;
  const volume = source && type === 'volume' ? attr(source, 'volume') : undefined;
  if (type === 'volume' && source && (!pool || !volume)) {
    throw new VirError(ErrorCode.XML_ERROR, `missing pool or volume of volume disk '${target}'`, D);
  }
  if (!source && device !== 'cdrom' && device !== 'floppy') throw new VirError(ErrorCode.NO_SOURCE, target, D);
  const aliasEl = firstChild(el, 'alias');
  return {
    el,
    type,
    device,
    path,
    pool,
    volume,
    format,
    target,
    bus,
    readonly: firstChild(el, 'readonly') !== undefined || device === 'cdrom',
    shareable: firstChild(el, 'shareable') !== undefined,
    sgio,
    alias: aliasEl && attr(aliasEl, 'name'),
  };
}

/** The disks of a definition's devices. */
export function disksOf(devices: readonly XmlElement[]): DiskView[] {
  return devices.filter((d) => d.name === 'disk').map(diskView);
}

/** How a disk is named in messages: its path, or `pool=P' 'volume=V` for a volume (libvirt's wording). */
export function diskSourceLabel(disk: Pick<DiskView, 'type' | 'path' | 'pool' | 'volume'>): string {
  return disk.type === 'volume' ? `pool=${disk.pool}' 'volume=${disk.volume}` : (disk.path ?? '');
}

/** The index a target name encodes: `vda` 0, `sdb` 1, `hdaa` 26 (libvirt's virDiskNameToIndex). */
export function targetIndex(target: string): number {
  const letters = /^(?:sd|hd|vd|xvd|fd)([a-z]+)$/.exec(target)?.[1];
  if (!letters) throw new VirError(ErrorCode.XML_ERROR, `unknown disk target name '${target}'`, D);
  let idx = 0;
  for (const ch of letters) idx = idx * 26 + (ch.charCodeAt(0) - 96);
  return idx - 1;
}

/** The controller address libvirt derives from a target index when `<address>` is absent. */
export function driveAddress(disk: DiskView): { controller: number; bus: number; target: number; unit: number } {
  const explicit = childElements(disk.el, 'address')[0];
  if (explicit && attr(explicit, 'type') === 'drive') {
    const n = (k: string): number => Number(attr(explicit, k) ?? 0);
    return { controller: n('controller'), bus: n('bus'), target: n('target'), unit: n('unit') };
  }
  const idx = targetIndex(disk.target);
  if (disk.bus === 'ide') return { controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), target: 0, unit: idx % 2 };
  if (disk.bus === 'sata') return { controller: Math.floor(idx / 6), bus: 0, target: 0, unit: idx % 6 };
  // SCSI: 7 units a bus in libvirt's numbering of implicit addresses
  return { controller: Math.floor(idx / 7), bus: 0, target: 0, unit: idx % 7 };
}

/** The model of the SCSI controller with `index` among a domain's devices (libvirt's default, lsilogic, when unnamed). */
export function scsiControllerModel(devices: readonly XmlElement[], index: number): string {
  const c = devices.find((d) => d.name === 'controller' && attr(d, 'type') === 'scsi' && Number(attr(d, 'index') ?? 0) === index);
  return (c && attr(c, 'model')) ?? 'lsilogic';
}

/** The device id libvirt gives a disk: `virtio-disk0`, `scsi0-0-0-1`, `ide0-1-0`, `sata0-0-2`. */
export function diskAlias(disk: DiskView, scsiModel?: string): string {
  if (disk.bus === 'virtio') return `virtio-disk${targetIndex(disk.target)}`;
  const a = driveAddress(disk);
  // An LSI controller addresses a disk by unit alone; virtio-scsi by target and LUN.
  if (disk.bus === 'scsi') return scsiModel === 'lsilogic' ? `scsi${a.controller}-${a.bus}-${a.unit}` : `scsi${a.controller}-${a.bus}-${a.target}-${a.unit}`;
  return `${disk.bus}${a.controller}-${a.bus}-${a.unit}`;
}
