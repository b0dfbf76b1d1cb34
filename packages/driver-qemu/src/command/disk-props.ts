import { driveAddress, type QemuDisk } from '../devices/qemu-disk.js';
import { pciAddressOf, pciProps } from './pci-address.js';
import { virtioOptions } from './virtio-args.js';

/** A disk ready to be given to QEMU: its source resolved to a host path and its node names chosen. */
export interface ResolvedDisk {
  readonly view: QemuDisk;
  /** The host path of the source (a volume's path after asking the storage driver). */
  readonly path: string | undefined;
  /** Whether the source is a block device (host_device) rather than a file. */
  readonly isBlock: boolean;
  /** N of `libvirt-N-storage` / `libvirt-N-format`. */
  readonly node: number;
  readonly alias: string;
  /** bootindex, when the disk is the one `<boot dev>` picks. */
  readonly bootIndex: number | undefined;
  /** The model of the SCSI controller a SCSI disk sits on. */
  readonly scsiModel: string | undefined;
}

export type JsonProps = Record<string, unknown>;

/** Names of a disk's block nodes: the protocol layer and the format layer above it. */
export const storageNode = (node: number): string => `libvirt-${node}-storage`;
export const formatNode = (node: number): string => `libvirt-${node}-format`;

/** Whether a block device is a real CD-ROM drive (libvirt asks the kernel; its names say as much). */
const isHostCdrom = (path: string | undefined): boolean => path !== undefined && /^\/dev\/(?:cdrom|sr\d+)$/.test(path);

/** What each cache mode means to QEMU: host page cache bypassed, flushes ignored, guest write cache. */
const CACHE_MODES: Record<string, { direct: boolean; noFlush: boolean; writeCache: boolean }> = {
  none: { direct: true, noFlush: false, writeCache: true },
  writeback: { direct: false, noFlush: false, writeCache: true },
  writethrough: { direct: false, noFlush: false, writeCache: false },
  directsync: { direct: true, noFlush: false, writeCache: false },
  unsafe: { direct: false, noFlush: true, writeCache: true },
};

/** A disk's cache mode: `<driver cache>`, else `none` for a writable shareable disk (no host cache may hide another guest's writes). */
function cacheMode(d: ResolvedDisk): (typeof CACHE_MODES)[string] | undefined {
  const mode = d.view.disk.driver?.cache ?? (d.view.shareable && !d.view.readonly ? 'none' : undefined);
  return mode === undefined || mode === 'default' ? undefined : CACHE_MODES[mode];
}

function cacheProps(d: ResolvedDisk): JsonProps {
  const c = cacheMode(d);
  return c ? { cache: { direct: c.direct, 'no-flush': c.noFlush } } : {};
}

/** The protocol layer (`-blockdev` / blockdev-add) of a disk with a source. */
export function storageProps(d: ResolvedDisk): JsonProps {
  const driver = !d.isBlock ? 'file' : d.view.device === 'cdrom' && isHostCdrom(d.path) ? 'host_cdrom' : 'host_device';
  return { driver, filename: d.path, 'node-name': storageNode(d.node), ...cacheProps(d), 'auto-read-only': true, discard: 'unmap' };
}

/** The format layer stacked on the protocol layer. */
export function formatProps(d: ResolvedDisk): JsonProps {
  return { 'node-name': formatNode(d.node), 'read-only': d.view.readonly, ...cacheProps(d), driver: d.view.format, file: storageNode(d.node) };
}

/** The guest device (`-device` / device_add) of a disk, as libvirt 9 spells it. */
export function diskDeviceProps(d: ResolvedDisk, pcieRoot = false): JsonProps {
  const v = d.view;
  const share = v.shareable ? { 'share-rw': true } : {};
  const drive = d.path !== undefined ? { drive: formatNode(d.node) } : {};
  const boot = d.bootIndex !== undefined ? { bootindex: d.bootIndex } : {};
  const serial = v.disk.serial;
  const cache = cacheMode(d);
  // scsi-block passes commands through to the device: QEMU refuses a write-cache property on it.
  const writeCache = cache && v.device !== 'lun' ? { 'write-cache': cache.writeCache ? 'on' : 'off' } : {};
  const tail = { ...drive, id: d.alias, ...boot, ...writeCache, ...(serial !== undefined ? { serial } : {}) };
  const a = driveAddress(v);
  switch (v.bus) {
    case 'virtio':
      return { driver: 'virtio-blk-pci', ...virtioOptions(v.disk.xml), ...pciProps(pciAddressOf(v.disk), pcieRoot), ...share, ...tail };
    case 'scsi': {
      const driver = v.device === 'lun' ? 'scsi-block' : v.device === 'cdrom' ? 'scsi-cd' : 'scsi-hd';
      const deviceId = v.device === 'lun' ? {} : { device_id: `drive-${d.alias}` };
      const where = d.scsiModel === 'lsilogic' ? { 'scsi-id': a.unit } : { channel: a.bus, 'scsi-id': a.target, lun: a.unit };
      return { driver, bus: `scsi${a.controller}.0`, ...where, ...deviceId, ...share, ...tail };
    }
    case 'fdc':
      return { driver: 'floppy', unit: a.unit, ...tail };
    default: {
      const driver = v.device === 'cdrom' ? 'ide-cd' : 'ide-hd';
      const bus = v.bus === 'sata' ? `ide.${a.unit}` : `ide.${a.controller * 2 + a.bus}`;
      return { driver, bus, ...(v.bus === 'sata' ? {} : { unit: a.unit }), ...share, ...tail };
    }
  }
}

