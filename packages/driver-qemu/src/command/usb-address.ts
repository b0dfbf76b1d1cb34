import type { XmlElement } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';
import { controllerAlias } from '../devices/device-aliases.js';
import { planUsbAddresses, type UsbDevice } from '../devices/usb-address-set.js';

/** QEMU's `bus` (the controller's alias, `usb.0`) and `port` of a USB device, as libvirt's USB address set places it. */
export function usbPlacement(devices: readonly XmlElement[], dev: UsbDevice): Record<string, string> {
  const at = planUsbAddresses(devices).ports.get(dev.xml!);
  return at ? { bus: `${controllerAlias(devices, 'usb', at.bus)}.0`, port: at.port } : {};
}

/** The placement of the USB disk with target `dev` among `devices` (a start's resolved disks were read before the USB addresses were written). */
export function usbDiskPlacement(devices: readonly XmlElement[], dev: string): Record<string, string> {
  const disk = devicesOf(devices, 'disk').find((d) => d.target?.dev === dev);
  return disk ? usbPlacement(devices, disk) : {};
}
