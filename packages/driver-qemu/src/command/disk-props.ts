import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { driveAddress, type QemuDisk } from '../devices/qemu-disk.js';
import { pciAddressOf, pciProps } from './pci-address.js';
import { iothreadProp } from './device-args.js';
import { networkStorageProps } from './network-disk.js';
import { virtioOptions } from './virtio-args.js';
import type { BackingLayer } from '@tsvirt/conf';
import type { FdSetUse } from '../fdgroup/fd-sets.js';

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
  /** The alias of the SCSI controller a SCSI disk sits on (QEMU's bus is `ALIAS.0`). */
  readonly scsiBus?: string | undefined;
  /** The images below the source, top first, when read at start (numbered as libvirt numbers nodes, in the live XML). */
  readonly backing?: readonly BackingLayer[];
  /** The fd set QEMU opens the file through, for a source with `fdgroup` (fdgroup/fd-sets.ts). */
  readonly fdset?: FdSetUse;
}

export type JsonProps = Record<string, unknown>;

/** Formats that can have a backing image: where libvirt cuts one off, it says `backing: null`. */
export const FORMATS_WITH_BACKING: ReadonlySet<string> = new Set(['qcow2', 'qed', 'qcow', 'vmdk']);

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

/** The copy-on-read layer libvirt stacks over a disk's format layer when `<driver copy_on_read='on'>`. */
const copyOnReadNode = (d: ResolvedDisk): string | undefined => (d.view.disk.driver?.copyOnRead === true ? `libvirt-CoR-${d.view.target}` : undefined);

/** The node the guest device reads: the copy-on-read layer, else the format layer. */
const topNode = (d: ResolvedDisk): string => copyOnReadNode(d) ?? formatNode(d.node);

/** The `-blockdev` of a disk's copy-on-read layer, if it has one. */
export function copyOnReadProps(d: ResolvedDisk): JsonProps | undefined {
  const node = copyOnReadNode(d);
  return node === undefined ? undefined : { driver: 'copy-on-read', 'node-name': node, file: formatNode(d.node), discard: 'unmap' };
}

/** Whether a disk has a medium: a host path, or a network source (an empty CD-ROM drive has neither). */
export const hasMedium = (d: ResolvedDisk): boolean => d.path !== undefined || (d.view.type === 'network' && d.view.disk.source?.protocol !== undefined);

/** The protocol layer (`-blockdev` / blockdev-add) of a disk with a source. */
export function storageProps(d: ResolvedDisk): JsonProps {
  const access = d.fdset ? fdSetAccess(d, d.fdset) : { 'auto-read-only': true };
  const tail = { 'node-name': storageNode(d.node), ...cacheProps(d), ...access, discard: 'unmap' };
  if (d.view.type === 'network') return { ...networkStorageProps(d.view.disk), ...tail };
  const driver = !d.isBlock ? 'file' : d.view.device === 'cdrom' && isHostCdrom(d.path) ? 'host_cdrom' : 'host_device';
  const io = d.view.disk.driver?.io;
  const aio = io !== undefined && io !== 'default' ? { aio: io } : {};
  return { driver, filename: d.fdset ? `/dev/fdset/${d.fdset.set}` : d.path, ...aio, ...tail };
}

/**
 * How libvirt 9.0 opens an fd set: with one descriptor, exactly as the disk needs it (QEMU takes
 * only a descriptor of the mode it asks for); with more, QEMU picks, as for a path.
 */
function fdSetAccess(d: ResolvedDisk, use: FdSetUse): JsonProps {
  return use.childFds.length === 1 ? { 'read-only': d.view.readonly } : { 'auto-read-only': true };
}

/** The format layer stacked on the protocol layer. */
export function formatProps(d: ResolvedDisk): JsonProps {
  const drv = d.view.disk.driver;
  const discard = drv?.discard !== undefined && drv.discard !== 'default' ? { discard: drv.discard } : {};
  // Zeroes are unmapped only where discards are: libvirt asks for plain detection otherwise.
  const detect = drv?.detectZeroes === 'unmap' && drv.discard !== 'unmap' ? 'on' : drv?.detectZeroes;
  const zeroes = detect !== undefined && detect !== 'default' ? { 'detect-zeroes': detect } : {};
  // QEMU would open an fd set's backing image by the path its header names: libvirt cuts it off
  const backing = d.fdset && FORMATS_WITH_BACKING.has(d.view.format) ? { backing: null } : {};
  return { 'node-name': formatNode(d.node), 'read-only': d.view.readonly, ...discard, ...zeroes, ...cacheProps(d), driver: d.view.format, file: storageNode(d.node), ...backing };
}

const onOff = (v: 'on' | 'off' | boolean | undefined, name: string): JsonProps => (v === undefined ? {} : { [name]: v === 'on' || v === true });

/** What a virtio-blk device takes of `<driver>`: event handling, SCSI passthrough for LUNs, queues. */
function virtioBlkProps(v: QemuDisk): JsonProps {
  const drv = v.disk.driver;
  return {
    ...onOff(drv?.ioeventfd, 'ioeventfd'), ...onOff(drv?.eventIdx, 'event_idx'), ...(v.device === 'lun' ? { scsi: true } : {}),
    ...(drv?.queues !== undefined ? { 'num-queues': drv.queues } : {}), ...(drv?.queueSize !== undefined ? { 'queue-size': drv.queueSize } : {}),
  };
}

/** The guest-visible properties of a disk after its id: block sizes, `extra` (a USB disk's removability), identity, cache, geometry, serial. */
function guestProps(d: ResolvedDisk, extra: JsonProps = {}): JsonProps {
  const v = d.view;
  const { blockio, geometry } = v.disk;
  const cache = cacheMode(d);
  return {
    // A floppy boots through its controller (fdcBootArgs).
    ...(d.bootIndex !== undefined && v.bus !== 'fdc' ? { bootindex: d.bootIndex } : {}),
    ...(blockio?.logicalBlockSize !== undefined ? { logical_block_size: blockio.logicalBlockSize } : {}),
    ...(blockio?.physicalBlockSize !== undefined ? { physical_block_size: blockio.physicalBlockSize } : {}),
    ...extra,
    ...(v.disk.vendor !== undefined ? { vendor: v.disk.vendor } : {}),
    ...(v.disk.product !== undefined ? { product: v.disk.product } : {}),
    // scsi-block passes commands through to the device: QEMU refuses a write-cache property on it.
    ...(cache && v.device !== 'lun' ? { 'write-cache': cache.writeCache ? 'on' : 'off' } : {}),
    ...(geometry ? { cyls: geometry.cyls, heads: geometry.heads, secs: geometry.secs, ...(geometry.trans ? { 'bios-chs-trans': geometry.trans } : {}) } : {}),
    ...(v.disk.serial !== undefined ? { serial: v.disk.serial } : {}),
  };
}

/** The guest device (`-device` / device_add) of a disk, as libvirt 9 spells it; `usbAt` places a USB disk. */
export function diskDeviceProps(d: ResolvedDisk, pcieRoot = false, usbAt: JsonProps = {}): JsonProps {
  const v = d.view;
  if (v.disk.wwn !== undefined) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `disk wwn of '${v.target}' is not supported by this driver yet`, ErrorDomain.QEMU);
  const share = v.shareable ? { 'share-rw': true } : {};
  const drive = hasMedium(d) ? { drive: topNode(d) } : {};
  const tail = { ...drive, id: d.alias, ...guestProps(d) };
  const a = driveAddress(v);
  switch (v.bus) {
    case 'virtio':
      return { driver: 'virtio-blk-pci', ...iothreadProp(v.disk.driver?.iothread), ...virtioOptions(v.disk.driver), ...virtioBlkProps(v), ...pciProps(pciAddressOf(v.disk), pcieRoot), ...share, ...tail };
    case 'scsi': {
      const driver = v.device === 'lun' ? 'scsi-block' : v.device === 'cdrom' ? 'scsi-cd' : 'scsi-hd';
      const deviceId = v.device === 'lun' ? {} : { device_id: v.disk.serial ?? `drive-${d.alias}` };
      const where = d.scsiModel === 'lsilogic' ? { 'scsi-id': a.unit } : { channel: a.bus, 'scsi-id': a.target, lun: a.unit };
      return { driver, bus: `${d.scsiBus ?? `scsi${a.controller}`}.0`, ...where, ...deviceId, ...share, ...tail };
    }
    case 'fdc':
      return { driver: 'floppy', unit: a.unit, ...tail };
    case 'usb':
      // libvirt gives QEMU a usb-storage without a drive here, which QEMU 7.2 refuses ("drive property not set").
      if (!hasMedium(d)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `USB disk '${v.target}' needs a medium: QEMU has no empty USB drive`, ErrorDomain.QEMU);
      // The drive address is the one this driver's define gives every disk off virtio.
      if (v.disk.address?.type !== undefined && v.disk.address.type !== 'usb' && v.disk.address.type !== 'drive') throw new VirError(ErrorCode.INTERNAL_ERROR, 'unexpected address type for usb disk', ErrorDomain.QEMU);
      return { driver: 'usb-storage', ...usbAt, ...drive, id: d.alias, ...guestProps(d, { removable: v.disk.target?.removable ?? false }) };
    default: {
      const driver = v.device === 'cdrom' ? 'ide-cd' : 'ide-hd';
      // q35's built-in AHCI calls its ports ide.N; an added AHCI controller is sataN.
      const sataBus = pcieRoot && a.controller === 0 ? `ide.${a.unit}` : `sata${a.controller}.${a.unit}`;
      const bus = v.bus === 'sata' ? sataBus : `ide.${a.controller * 2 + a.bus}`;
      return { driver, bus, ...(v.bus === 'sata' ? {} : { unit: a.unit }), ...share, ...tail };
    }
  }
}

/**
 * The floppy controller's boot order: a `-global` of the PC's built-in controller, or on q35 (which
 * has none) the ISA controller itself, with each floppy's boot index as `bootindexA`/`bootindexB`.
 */
export function fdcBootArgs(disks: readonly ResolvedDisk[], pcieRoot: boolean): string[] {
  const floppies = disks.filter((d) => d.view.bus === 'fdc');
  const indexes: Array<[string, number]> = floppies.filter((d) => d.bootIndex !== undefined).map((d) => [`bootindex${driveAddress(d.view).unit ? 'B' : 'A'}`, d.bootIndex!]);
  if (pcieRoot) return floppies.length ? ['-device', JSON.stringify({ driver: 'isa-fdc', ...Object.fromEntries(indexes) })] : [];
  return indexes.flatMap(([k, v]) => ['-global', `isa-fdc.${k}=${v}`]);
}
