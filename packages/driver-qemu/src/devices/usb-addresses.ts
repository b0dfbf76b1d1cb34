import { deviceElement, newDevice, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { planUsbAddresses, usbDevices, type UsbDevice } from './usb-address-set.js';
import { devicesOf, writeBack } from './typed-devices.js';

/** Device kinds libvirt writes after its hubs (a hub it adds goes before the first of them). */
const AFTER_HUBS = new Set(['watchdog', 'memballoon', 'rng', 'panic', 'shmem', 'memory', 'iommu', 'vsock', 'crypto']);

/**
 * libvirt's USB addresses written into a new definition (or one being started): each device on a
 * USB port without one gets its port, and the hubs libvirt adds when the ports run out are added
 * with theirs.
 */
export function assignUsbAddresses(def: DomainDef): void {
  const plan = planUsbAddresses(def.devices);
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

/** A device plugged live that goes on a USB port and got none (the domain has no USB bus): libvirt's words for a full bus. */
export function requireUsbPort(el: XmlElement): void {
  const [dev] = usbDevices([el]);
  if (dev && dev.address?.type !== 'usb') throw new VirError(ErrorCode.INTERNAL_ERROR, 'No free USB ports', ErrorDomain.DOMAIN);
}

/** A copy of a definition with its USB addresses and hubs, as libvirt completes a definition it starts. */
export function withUsbAddresses(def: DomainDef): DomainDef {
  const copy = { ...def, devices: [...def.devices] };
  assignUsbAddresses(copy);
  return copy;
}

const unsupported = (msg: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, ErrorDomain.DOMAIN);

/** The kinds libvirt names when it reads them into a machine without USB, in the order it reads them. */
const NAMED_KINDS: ReadonlyArray<readonly [UsbDevice['kind'], string]> = [
  ['input', "Can't add USB input device. USB bus is disabled"],
  ['hostdev', "Can't add host USB device: USB is disabled in this host"],
  ['hub', "Can't add USB hub: USB is disabled for this domain"],
];

/**
 * A machine whose USB is off (`<controller type='usb' model='none'/>`) takes no other USB
 * controller and no device on a USB port, as libvirt checks at define: while reading the XML
 * (another controller, then USB inputs, host devices and hubs, each in its own words), then for
 * any USB device left (disks, CCID readers, serial ports, sound cards, redirected devices).
 * The reading's refusal of another controller is not made when `wholeXml` is false (a config
 * attach, where libvirt reads only the new device and takes the controller).
 */
export function checkUsbEnabled(def: DomainDef, wholeXml: boolean): void {
  const controllers = devicesOf(def.devices, 'controller').filter((c) => c.type === 'usb');
  if (!controllers.some((c) => c.model === 'none')) return;
  if (wholeXml && controllers.length > 1) {
    throw new VirError(ErrorCode.XML_DETAIL, "Can't add another USB controller: USB is disabled for this domain", ErrorDomain.DOMAIN);
  }
  const onUsb = usbDevices(def.devices);
  for (const [kind, words] of NAMED_KINDS) if (onUsb.some((d) => d.kind === kind)) throw unsupported(words);
  if (onUsb.length > 0) throw unsupported('USB is disabled for this domain, but USB devices are present in the domain XML');
}
