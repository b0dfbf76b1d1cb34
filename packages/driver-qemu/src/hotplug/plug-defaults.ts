import { deviceElement, DEVICE_KIND_ORDER, parseDevice, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
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

/**
 * `place` (the USB addresses given to a definition with one device more) with libvirt's refusal
 * of a plug that finds no free USB port: an internal error there, not the define's XML error (one
 * device more than the ports leaves none for a hub either).
 */
export function withUsbPortOrRefusal<T>(place: () => T): T {
  try {
    return place();
  } catch (e) {
    if (e instanceof VirError && e.detail === 'No free USB ports') throw new VirError(ErrorCode.INTERNAL_ERROR, e.detail, ErrorDomain.QEMU);
    throw e;
  }
}
