import { deviceElement, newDevice, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { planUsbAddresses, usbDevices } from './usb-address-set.js';
import { devicesOf, writeBack } from './typed-devices.js';

/** Device kinds libvirt writes after its hubs (a hub it adds goes before the first of them). */
const AFTER_HUBS = new Set(['watchdog', 'memballoon', 'rng', 'panic', 'shmem', 'memory', 'iommu', 'vsock', 'crypto']);

/**
 * libvirt's USB addresses written into a new definition (or one being started): each device on a
 * USB port without one gets its port, and the hubs libvirt adds when the ports run out are added
 * with theirs (`addHubs`: not for a device plugged live, where libvirt refuses with no free port).
 */
export function assignUsbAddresses(def: DomainDef, addHubs = true): void {
  const plan = planUsbAddresses(def.devices, addHubs);
  for (const d of usbDevices(def.devices)) {
    const at = plan.ports.get(d.xml!);
    if (at && (d.address?.type !== 'usb' || d.address.port === undefined)) writeBack(def, { ...d, address: { type: 'usb', bus: at.bus, port: at.port } });
  }
  for (const at of plan.newHubs) {
    const hub = deviceElement(newDevice('hub', { type: 'usb', address: { type: 'usb', bus: at.bus, port: at.port } }));
    const before = def.devices.findIndex((el) => AFTER_HUBS.has(el.name));
    if (before < 0) def.devices.push(hub);
    else def.devices.splice(before, 0, hub);
  }
}

/** A copy of a definition with its USB addresses and hubs, as libvirt completes a definition it starts. */
export function withUsbAddresses(def: DomainDef): DomainDef {
  const copy = { ...def, devices: [...def.devices] };
  assignUsbAddresses(copy);
  return copy;
}

/** A machine whose USB is off (`<controller type='usb' model='none'/>`) takes no device on a USB port, as libvirt checks at define. */
export function checkUsbEnabled(def: DomainDef): void {
  if (!devicesOf(def.devices, 'controller').some((c) => c.type === 'usb' && c.model === 'none')) return;
  if (usbDevices(def.devices).length > 0) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'USB is disabled for this domain, but USB devices are present in the domain XML', ErrorDomain.DOMAIN);
  }
}
