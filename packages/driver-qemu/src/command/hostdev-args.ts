import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';
import { usbPlacement } from './usb-address.js';

const hex = (n: number | undefined, width: number): string => (n ?? 0).toString(16).padStart(width, '0');
const unsupported = (what: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, what, ErrorDomain.QEMU);

/** What QEMU makes of a USB device's resets by the guest: none, only of an unconfigured device, or all. */
const GUEST_RESET: Record<string, Record<string, boolean>> = {
  default: {}, off: { 'guest-reset': false }, uninitialized: { 'guest-reset': true, 'guest-resets-all': false }, on: { 'guest-reset': true, 'guest-resets-all': true },
};

/** `-device` of each host device: a PCI function through VFIO, or a USB device by its bus and device numbers. */
export function hostdevArgs(devices: readonly XmlElement[]): string[] {
  const pcieRoot = hasPcieRoot(devices);
  return devicesOf(devices, 'hostdev').flatMap((h, i) => {
    const id = `hostdev${i}`;
    const boot = h.bootOrder !== undefined ? { bootindex: h.bootOrder } : {};
    const a = h.source?.address;
    if (h.mode !== 'capabilities' && h.type === 'pci' && a) {
      const host = `${hex(a.domain, 4)}:${hex(a.bus, 2)}:${hex(a.slot, 2)}.${hex(a.function, 1)}`;
      return ['-device', JSON.stringify({ driver: 'vfio-pci', host, id, ...boot, ...pciProps(pciAddressOf(h), pcieRoot) })];
    }
    if (h.mode !== 'capabilities' && h.type === 'usb' && a?.bus !== undefined && a.device !== undefined) {
      const hostdevice = `/dev/bus/usb/${String(a.bus).padStart(3, '0')}/${String(a.device).padStart(3, '0')}`;
      return ['-device', JSON.stringify({ driver: 'usb-host', hostdevice, id, ...boot, ...GUEST_RESET[h.source?.guestReset ?? 'default'], ...usbPlacement(devices, h) })];
    }
    throw unsupported(`host device of type '${h.type}' is not supported by this driver yet`);
  });
}
