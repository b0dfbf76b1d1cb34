import type { DeviceOf, XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, sysfsPath } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { scsiControllerModel } from '../devices/qemu-disk.js';
import type { JsonProps } from './disk-props.js';
import { iscsiProps } from './network-disk.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';
import { usbPlacement } from './usb-address.js';
import { controllerAlias } from '../devices/device-aliases.js';

type Hostdev = DeviceOf<'hostdev'>;

const hex = (n: number | undefined, width: number): string => (n ?? 0).toString(16).padStart(width, '0');
const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/** What QEMU makes of a USB device's resets by the guest: none, only of an unconfigured device, or all. */
const GUEST_RESET: Record<string, Record<string, boolean>> = {
  default: {}, off: { 'guest-reset': false }, uninitialized: { 'guest-reset': true, 'guest-resets-all': false }, on: { 'guest-reset': true, 'guest-resets-all': true },
};

/** A SCSI hostdev ready for QEMU: its device id, its backend's node number and, for a host adapter's LUN, its sg node. */
export interface ScsiHostdevPlacement {
  readonly id: string;
  readonly node: number;
  readonly sgPath: string | undefined;
}

/** Whether a hostdev is a SCSI LUN (a host adapter's or an iSCSI one) that QEMU gets as `scsi-generic`. */
export const isScsiGeneric = (h: Hostdev): boolean => h.mode !== 'capabilities' && h.type === 'scsi';

/** The node name of a SCSI hostdev's backend. */
export const hostdevBackendNode = (node: number): string => `libvirt-${node}-backend`;

/** The `-blockdev` (blockdev-add) of a SCSI hostdev: the host's sg node, or the iSCSI LUN. */
export function scsiHostdevBackend(h: Hostdev, at: ScsiHostdevPlacement): JsonProps {
  const tail = { 'node-name': hostdevBackendNode(at.node), 'read-only': h.readonly === true };
  if (h.source?.protocol === 'iscsi') {
    if (h.source.auth) throw unsupported(`authentication of iSCSI host device '${h.source.name ?? ''}' is not supported by this driver yet`);
    return { driver: 'iscsi', ...iscsiProps(h.source, h.source.hosts?.[0]), ...tail };
  }
  if (at.sgPath === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `SCSI host device '${at.id}' has no SCSI generic node`, ErrorDomain.QEMU);
  return { driver: 'host_device', filename: at.sgPath, ...tail };
}

/** The `-device` (device_add) of a SCSI hostdev: `scsi-generic` at its drive address. */
export function scsiHostdevDevice(h: Hostdev, at: ScsiHostdevPlacement, devices: readonly XmlElement[]): JsonProps {
  const a = h.address;
  if (a?.type !== 'drive') throw unsupported(`SCSI host device '${at.id}' needs a drive address`);
  const controller = a.controller ?? 0;
  // An LSI controller addresses a device by unit alone; virtio-scsi by channel, target and LUN.
  const where = scsiControllerModel(devices, controller) === 'lsilogic' ? { 'scsi-id': a.unit ?? 0 } : { channel: a.bus ?? 0, 'scsi-id': a.target ?? 0, lun: a.unit ?? 0 };
  return {
    driver: 'scsi-generic', drive: hostdevBackendNode(at.node), id: at.id, bus: `${controllerAlias(devices, 'scsi', controller)}.0`, ...where,
    ...(h.bootOrder !== undefined ? { bootindex: h.bootOrder } : {}),
  };
}

/**
 * A mediated device (`type='mdev'`, model vfio-pci) through VFIO by its sysfs node, with its
 * display and, for a boot display, ramfb (which QEMU has only on the device that cannot be unplugged).
 */
function mdevProps(h: Hostdev, id: string): JsonProps {
  if (h.model !== 'vfio-pci') throw unsupported(`mediated device model '${h.model ?? ''}' is not supported by this driver`);
  const ramfb = h.ramfb === 'on';
  return {
    driver: ramfb ? 'vfio-pci-nohotplug' : 'vfio-pci', id, sysfsdev: sysfsPath(`bus/mdev/devices/${h.source?.mdevUuid ?? ''}`),
    ...(h.display !== undefined ? { display: h.display } : {}), ...(ramfb ? { ramfb: true } : {}),
  };
}

/** The device ids of a domain's hostdevs: a user alias (`ua-…`) as given, else `hostdevN`, N counting the others. */
export function hostdevIds(hostdevs: readonly Hostdev[]): string[] {
  let n = 0;
  return hostdevs.map((h) => (h.alias?.startsWith('ua-') ? h.alias : `hostdev${n++}`));
}

/**
 * `-device` of each host device: a PCI function through VFIO, a USB device by its bus and device
 * numbers, or a SCSI LUN as `scsi-generic` over a `-blockdev` (its node numbered from
 * `firstNode`, after the disks', and a host adapter's LUN at the sg node `sgPaths` gives it).
 */
export function hostdevArgs(devices: readonly XmlElement[], firstNode: number, sgPaths: ReadonlyMap<number, string>): string[] {
  const pcieRoot = hasPcieRoot(devices);
  let node = firstNode;
  const hostdevs = devicesOf(devices, 'hostdev');
  const ids = hostdevIds(hostdevs);
  return hostdevs.flatMap((h, i) => {
    const id = ids[i]!;
    const boot = h.bootOrder !== undefined ? { bootindex: h.bootOrder } : {};
    const a = h.source?.address;
    if (isScsiGeneric(h)) {
      const at = { id, node: node++, sgPath: sgPaths.get(i) };
      return ['-blockdev', JSON.stringify(scsiHostdevBackend(h, at)), '-device', JSON.stringify(scsiHostdevDevice(h, at, devices))];
    }
    if (h.mode !== 'capabilities' && h.type === 'pci' && a) {
      const host = `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${hex(a.function, 1)}`;
      return ['-device', JSON.stringify({ driver: 'vfio-pci', host, id, ...boot, ...pciProps(pciAddressOf(h), pcieRoot) })];
    }
    if (h.mode !== 'capabilities' && h.type === 'mdev') return ['-device', JSON.stringify({ ...mdevProps(h, id), ...boot, ...pciProps(pciAddressOf(h), pcieRoot) })];
    if (h.mode !== 'capabilities' && h.type === 'usb' && a?.bus !== undefined && a.device !== undefined) {
      const hostdevice = `/dev/bus/usb/${String(a.bus).padStart(3, '0')}/${String(a.device).padStart(3, '0')}`;
      return ['-device', JSON.stringify({ driver: 'usb-host', hostdevice, id, ...boot, ...GUEST_RESET[h.source?.guestReset ?? 'default'], ...usbPlacement(devices, h) })];
    }
    throw unsupported(`host device of type '${h.type}' is not supported by this driver yet`);
  });
}
