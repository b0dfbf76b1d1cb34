import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf, typedDevice, type DeviceOf } from './typed-devices.js';

/** conf's typed `<disk>`. */
export type Disk = DeviceOf<'disk'>;

/** sgio of a `device='lun'` disk: whether the kernel filters the SCSI commands the guest sends. */
export type Sgio = NonNullable<Disk['sgio']>;

/** What the QEMU driver makes of conf's typed disk: the kinds it runs, with libvirt's implied defaults filled in. */
export interface QemuDisk {
  /** The typed disk (its `xml` is the element it was read from). */
  readonly disk: Disk;
  readonly type: (typeof TYPES)[number];
  readonly device: 'disk' | 'cdrom' | 'lun' | 'floppy';
  /** The host path for file and block disks; a volume's path is resolved at start. */
  readonly path: string | undefined;
  /** Pool and volume of a `type='volume'` disk. */
  readonly pool: string | undefined;
  readonly volume: string | undefined;
  readonly format: (typeof FORMATS)[number];
  readonly target: string;
  readonly bus: string;
  readonly readonly: boolean;
  readonly shareable: boolean;
  readonly sgio: Sgio | undefined;
  /** The device id given to QEMU (libvirt's `<alias name>`), present in live definitions. */
  readonly alias: string | undefined;
}

const D = ErrorDomain.DOMAIN;
const TYPES = ['file', 'block', 'volume', 'network', 'nvme', 'vhostuser'] as const;
/** The image formats QEMU opens (libvirt's names are QEMU's block drivers). */
const FORMATS = ['raw', 'qcow2', 'qcow', 'vmdk', 'vpc', 'vdi', 'qed', 'luks', 'bochs', 'cloop', 'dmg', 'parallels', 'vhdx', 'fat'] as const;
const BUSES = ['virtio', 'scsi', 'ide', 'sata', 'fdc', 'usb'] as const;

function oneOf<T extends string>(value: string, allowed: readonly T[], what: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unsupported ${what} '${value}'`, D);
  }
  return value as T;
}

const unsupportedConfig = (msg: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, D);

/** Formats QEMU cannot open at all, refused with libvirt's words before any other check. */
function checkFormat(format: string): string {
  if (format === 'cow') throw unsupportedConfig("'cow' storage format is not supported");
  if (format === 'dir') throw unsupportedConfig("'directory' storage format is not directly supported by QEMU, use 'dir' disk type instead");
  if (format === 'iso') throw unsupportedConfig("storage format 'iso' is not directly supported by QEMU, use 'raw' instead");
  return format;
}

/** The bus of a disk: `<target bus>`, or what the target name implies, as libvirt guesses it. */
export function diskBus(d: Disk): string {
  if (d.target?.bus) return d.target.bus;
  const dev = d.target?.dev ?? '';
  if (dev.startsWith('vd')) return 'virtio';
  if (dev.startsWith('sd')) return 'scsi';
  if (dev.startsWith('fd')) return 'fdc';
  return 'ide';
}

/** Reads conf's typed disk for QEMU, refusing what this driver cannot run. */
export function qemuDisk(d: Disk): QemuDisk {
  const type = oneOf(d.type ?? 'file', TYPES, 'disk type');
  const device = d.device ?? 'disk';
  const source = d.source;
  const target = d.target?.dev;
  if (!target) throw new VirError(ErrorCode.NO_TARGET, source ? (source.file ?? source.dev) : undefined, D);
  const bus = oneOf(diskBus(d), BUSES, `disk bus for '${target}'`);
  if (/^(?:sd|hd|vd|xvd|fd)[a-z]+\d+$/.test(target)) throw unsupportedConfig(`invalid disk target '${target}', partitions can't appear in disk targets`);
  const format = oneOf(checkFormat(d.driver?.type ?? 'raw'), FORMATS, `disk format for '${target}'`);
  if (d.sgio !== undefined && device !== 'lun') {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `sgio is only supported for device='lun' disks (disk '${target}')`, D);
  }
  if (device === 'lun' && type === 'file') throw unsupportedConfig("disk device='lun' is only valid for block type disk source");
  const path = type === 'file' ? source?.file : type === 'block' ? source?.dev : undefined;
  const pool = type === 'volume' ? source?.pool : undefined;
  const volume = type === 'volume' ? source?.volume : undefined;
  if (type === 'volume' && source && (!pool || !volume)) {
    throw new VirError(ErrorCode.XML_ERROR, `missing pool or volume of volume disk '${target}'`, D);
  }
  if (!source && device !== 'cdrom' && device !== 'floppy') throw new VirError(ErrorCode.NO_SOURCE, target, D);
  return {
    disk: d, type, device, path, pool, volume, format, target, bus,
    readonly: d.readonly === true || device === 'cdrom',
    shareable: d.shareable === true,
    sgio: d.sgio,
    alias: d.alias,
  };
}

/** A `<disk>` element read for QEMU. */
export const diskOfElement = (el: XmlElement): QemuDisk => qemuDisk(typedDevice(el, 'disk'));

/** The disks of a definition's devices. */
export function disksOf(devices: readonly XmlElement[]): QemuDisk[] {
  return devicesOf(devices, 'disk').map(qemuDisk);
}

/** How a disk is named in messages: its path, or `pool=P' 'volume=V` for a volume (libvirt's wording). */
export function diskSourceLabel(disk: Pick<QemuDisk, 'type' | 'path' | 'pool' | 'volume'>): string {
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
export function driveAddress(v: QemuDisk): { controller: number; bus: number; target: number; unit: number } {
  const a = v.disk.address;
  if (a?.type === 'drive') return { controller: a.controller ?? 0, bus: a.bus ?? 0, target: a.target ?? 0, unit: a.unit ?? 0 };
  const idx = targetIndex(v.target);
  if (v.bus === 'ide') return { controller: Math.floor(idx / 4), bus: Math.floor((idx % 4) / 2), target: 0, unit: idx % 2 };
  if (v.bus === 'sata') return { controller: Math.floor(idx / 6), bus: 0, target: 0, unit: idx % 6 };
  if (v.bus === 'fdc') return { controller: Math.floor(idx / 2), bus: 0, target: 0, unit: idx % 2 };
  // SCSI: 7 units a bus in libvirt's numbering of implicit addresses
  return { controller: Math.floor(idx / 7), bus: 0, target: 0, unit: idx % 7 };
}

/** The model of the SCSI controller with `index` among a domain's devices (libvirt's default, lsilogic, when unnamed). */
export function scsiControllerModel(devices: readonly XmlElement[], index: number): string {
  const c = devicesOf(devices, 'controller').find((x) => x.type === 'scsi' && (x.index ?? 0) === index);
  return c?.model ?? 'lsilogic';
}

/** The device id libvirt gives a disk: `virtio-disk0`, `scsi0-0-0-1`, `ide0-1-0`, `sata0-0-2`. */
export function diskAlias(v: QemuDisk, scsiModel?: string): string {
  if (v.bus === 'virtio') return `virtio-disk${targetIndex(v.target)}`;
  if (v.bus === 'usb') return `usb-disk${targetIndex(v.target)}`;
  const a = driveAddress(v);
  // An LSI controller addresses a disk by unit alone; virtio-scsi by target and LUN.
  if (v.bus === 'scsi') return scsiModel === 'lsilogic' ? `scsi${a.controller}-${a.bus}-${a.unit}` : `scsi${a.controller}-${a.bus}-${a.target}-${a.unit}`;
  return `${v.bus}${a.controller}-${a.bus}-${a.unit}`;
}
