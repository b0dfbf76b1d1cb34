import { deviceElement, DEVICE_KIND_ORDER, parseDevice, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { usbDevices } from '../devices/usb-address-set.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { applyQemuDefaults } from '../driver/qemu-defaults.js';

/**
 * A running domain's virtio consoles back on the virtio-serial ports they hold: the live XML
 * shows the port as the target's (`recordVirtioConsoles`), and a new chardev must not take it.
 */
function consolesOnTheirPorts(def: DomainDef): void {
  for (const c of devicesOf(def.devices, 'console')) {
    if (c.target?.type !== 'virtio' || c.address !== undefined) continue;
    writeBack(def, { ...c, address: { type: 'virtio-serial', controller: 0, bus: 0, port: String(c.target.port ?? 0) } });
  }
}

/**
 * The device `given`, named `alias`, as libvirt's parse of a device plugged into the running
 * `scratch` leaves it: the defaults a definition gets (a serial port's number and target type, a
 * shared memory region's size, a channel's virtio-serial port, ...) worked out beside the
 * domain's devices. `scratch` is a copy of the live definition; it is changed.
 */
export function withPlugDefaults(scratch: DomainDef, given: XmlElement, alias: string): DomainDevice {
  consolesOnTheirPorts(scratch);
  scratch.devices.push(deviceElement({ ...parseDevice(structuredClone(given))!, alias } as DomainDevice));
  applyQemuDefaults(scratch, false);
  const found = scratch.devices.find((x) => x.name === given.name && (parseDevice(x) as { alias?: string }).alias === alias);
  return parseDevice(found!)!;
}

/** Puts `el` after the devices of its kind and those libvirt writes before them (its arrays' order). */
export function insertByKind(def: DomainDef, el: XmlElement): void {
  const rank = (name: string): number => {
    const i = DEVICE_KIND_ORDER.indexOf(name);
    return i < 0 ? DEVICE_KIND_ORDER.length : i;
  };
  const after = def.devices.findIndex((x) => rank(x.name) > rank(el.name));
  def.devices.splice(after < 0 ? def.devices.length : after, 0, el);
}

/** The ports of a USB controller model when its definition gives no number (libvirt's virDomainUSBAddressControllerModelToPorts). */
const USB_PORTS: Readonly<Record<string, number>> = {
  'piix3-uhci': 2, 'piix4-uhci': 2, 'ich9-uhci1': 2, 'ich9-uhci2': 2, 'ich9-uhci3': 2, 'vt82c686b-uhci': 2,
  ehci: 6, 'ich9-ehci1': 6, 'nec-xhci': 4, 'qemu-xhci': 4, qusb1: 4, qusb2: 8,
};

/**
 * libvirt's refusal of a device given a USB port past the last one its controller has (hubs not
 * counted: a definition with one is not checked), once the new device has its port: USB ports
 * are numbered here without an end, and only the new device can be past it.
 */
export function refuseFullUsb(def: DomainDef): void {
  if (devicesOf(def.devices, 'hub').length > 0) return;
  const controllers = devicesOf(def.devices, 'controller').filter((c) => c.type === 'usb');
  for (const d of usbDevices(def.devices)) {
    if (d.address?.type !== 'usb') continue;
    const c = controllers.find((x) => (x.index ?? 0) === (d.address?.bus ?? 0));
    const ports = c?.ports ?? USB_PORTS[c?.model ?? ''];
    if (ports !== undefined && Number(d.address.port) > ports) throw new VirError(ErrorCode.INTERNAL_ERROR, 'No free USB ports', ErrorDomain.QEMU);
  }
}
