import type { XmlElement } from '@tsvirt/conf';
import { devicesOf, type DeviceOf } from '../devices/typed-devices.js';
import { controllerAlias } from '../devices/device-aliases.js';

export type UsbDevice = DeviceOf<'input'> | DeviceOf<'hostdev'> | DeviceOf<'controller'> | DeviceOf<'disk'> | DeviceOf<'redirdev'>;

function onUsb(d: UsbDevice): boolean {
  if (d.kind === 'input') return d.bus === 'usb';
  if (d.kind === 'controller') return d.type === 'ccid';
  if (d.kind === 'disk') return d.target?.bus === 'usb';
  if (d.kind === 'redirdev') return true;
  return d.mode !== 'capabilities' && d.type === 'usb';
}

/** The devices on a USB port, in libvirt's order of assignment. */
export function usbDevices(devices: readonly XmlElement[]): UsbDevice[] {
  return [...devicesOf(devices, 'hostdev'), ...devicesOf(devices, 'disk'), ...devicesOf(devices, 'controller'), ...devicesOf(devices, 'input'), ...devicesOf(devices, 'redirdev')].filter(onUsb);
}

/**
 * The USB bus (controller index) and port of a device: its `<address type='usb'>`, else the next
 * free port of the first controller, in libvirt's order of assignment (host devices, disks, CCID
 * smartcard readers, inputs, redirected devices).
 */
export function usbPort(devices: readonly XmlElement[], dev: UsbDevice): { bus: number; port: string } | undefined {
  const all = usbDevices(devices);
  const taken = new Set(all.map((d) => (d.address?.type === 'usb' ? `${d.address.bus ?? 0}:${d.address.port}` : undefined)).filter((x) => x !== undefined));
  let next = 1;
  for (const d of all) {
    let where: string;
    if (d.address?.type === 'usb') where = `${d.address.bus ?? 0}:${d.address.port}`;
    else {
      while (taken.has(`0:${next}`)) next++;
      where = `0:${next}`;
      taken.add(where);
    }
    if (d.xml === dev.xml) {
      const [bus, port] = where.split(':') as [string, string];
      return { bus: Number(bus), port };
    }
  }
  return undefined;
}

/** QEMU's `bus` (the controller's alias, `usb.0`) and `port` of a USB device (usbPort). */
export function usbPlacement(devices: readonly XmlElement[], dev: UsbDevice): Record<string, string> {
  const at = usbPort(devices, dev);
  return at ? { bus: `${controllerAlias(devices, 'usb', at.bus)}.0`, port: at.port } : {};
}
