import { firstChild, textOf } from '@tsvirt/conf';
import { driveAddress, type DiskView } from '../devices/disk-view.js';
import { pciAddressOf, pciProps } from './pci-address.js';

/** A disk ready to be given to QEMU: its source resolved to a host path and its node names chosen. */
export interface ResolvedDisk {
  readonly view: DiskView;
  /** The host path of the source (a volume's path after asking the storage driver). */
  readonly path: string | undefined;
  /** Whether the source is a block device (host_device) rather than a file. */
  readonly isBlock: boolean;
  /** N of `libvirt-N-storage` / `libvirt-N-format`. */
  readonly node: number;
  readonly alias: string;
  /** bootindex, when the disk is the one `<boot dev>` picks. */
  readonly bootIndex: number | undefined;
}

export type JsonProps = Record<string, unknown>;

/** Names of a disk's block nodes: the protocol layer and the format layer above it. */
export const storageNode = (node: number): string => `libvirt-${node}-storage`;
export const formatNode = (node: number): string => `libvirt-${node}-format`;

/** Whether a block device is a real CD-ROM drive (libvirt asks the kernel; its names say as much). */
const isHostCdrom = (path: string | undefined): boolean => path !== undefined && /^\/dev\/(?:cdrom|sr\d+)$/.test(path);

/** The protocol layer (`-blockdev` / blockdev-add) of a disk with a source. */
export function storageProps(d: ResolvedDisk): JsonProps {
  const driver = !d.isBlock ? 'file' : d.view.device === 'cdrom' && isHostCdrom(d.path) ? 'host_cdrom' : 'host_device';
  return { driver, filename: d.path, 'node-name': storageNode(d.node), 'auto-read-only': true, discard: 'unmap' };
}

/** The format layer stacked on the protocol layer. */
export function formatProps(d: ResolvedDisk): JsonProps {
  return { 'node-name': formatNode(d.node), 'read-only': d.view.readonly, driver: d.view.format, file: storageNode(d.node) };
}

function serialOf(d: ResolvedDisk): string | undefined {
  const el = firstChild(d.view.el, 'serial');
  return el && textOf(el);
}

/** The guest device (`-device` / device_add) of a disk, as libvirt 9 spells it. */
export function diskDeviceProps(d: ResolvedDisk): JsonProps {
  const v = d.view;
  const share = v.shareable ? { 'share-rw': true } : {};
  const drive = d.path !== undefined ? { drive: formatNode(d.node) } : {};
  const boot = d.bootIndex !== undefined ? { bootindex: d.bootIndex } : {};
  const serial = serialOf(d);
  const tail = { ...drive, id: d.alias, ...boot, ...(serial !== undefined ? { serial } : {}) };
  const a = driveAddress(v);
  switch (v.bus) {
    case 'virtio':
      return { driver: 'virtio-blk-pci', ...pciProps(pciAddressOf(v.el)), ...share, ...tail };
    case 'scsi': {
      const driver = v.device === 'lun' ? 'scsi-block' : v.device === 'cdrom' ? 'scsi-cd' : 'scsi-hd';
      const deviceId = v.device === 'lun' ? {} : { device_id: `drive-${d.alias}` };
      return { driver, bus: `scsi${a.controller}.0`, channel: a.bus, 'scsi-id': 0, lun: a.unit, ...deviceId, ...share, ...tail };
    }
    default: {
      const driver = v.device === 'cdrom' ? 'ide-cd' : 'ide-hd';
      const bus = v.bus === 'sata' ? `ide.${a.unit}` : `ide.${a.controller * 2 + a.bus}`;
      return { driver, bus, ...(v.bus === 'sata' ? {} : { unit: a.unit }), ...share, ...tail };
    }
  }
}

