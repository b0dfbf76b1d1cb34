import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { usbDevices, usbPort } from '../command/usb-address.js';
import { devicesOf, writeBack } from './typed-devices.js';

/**
 * libvirt's define-time USB addresses: each device on a USB port without an `<address>` gets the
 * next free port of the first controller, in libvirt's order, when the machine has USB at all.
 */
export function assignUsbAddresses(def: DomainDef): void {
  if (!devicesOf(def.devices, 'controller').some((c) => c.type === 'usb' && c.model !== 'none')) return;
  const placed = usbDevices(def.devices).filter((d) => d.address === undefined).map((d) => ({ d, at: usbPort(def.devices, d) }));
  for (const { d, at } of placed) {
    if (at) writeBack(def, { ...d, address: { type: 'usb', bus: at.bus, port: at.port } });
  }
}

/** A machine whose USB is off (`<controller type='usb' model='none'/>`) takes no device on a USB port, as libvirt checks at define. */
export function checkUsbEnabled(def: DomainDef): void {
  if (!devicesOf(def.devices, 'controller').some((c) => c.type === 'usb' && c.model === 'none')) return;
  if (usbDevices(def.devices).length > 0) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'USB is disabled for this domain, but USB devices are present in the domain XML', ErrorDomain.DOMAIN);
  }
}
