import { deviceElement, DEVICE_KIND_ORDER, newDevice, parseDevice, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { assignVirtioSerialPorts } from '../driver/device-defaults.js';
import { applyQemuDefaults } from '../driver/qemu-defaults.js';
import { plugConsolePort } from './console-port.js';

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
  // A virtio console may take virtio-serial port 0 only when libvirt's parse numbers it 0.
  const first = plugConsolePort(scratch, given) === 0 ? 0 : 1;
  scratch.devices.push(deviceElement({ ...parseDevice(structuredClone(given))!, alias } as DomainDevice));
  applyQemuDefaults(scratch, false);
  // A console plugged live is put on a free port by libvirt (a define leaves that to QEMU).
  assignVirtioSerialPorts(scratch, 'console', first);
  return parseDevice(scratch.devices.find((x) => x.name === given.name && (parseDevice(x) as { alias?: string }).alias === alias)!)!;
}

/**
 * Where libvirt puts a new controller among the controllers: before the first of its type with a
 * higher index, else after the last of its type; undefined when none has its type.
 */
function controllerPlace(def: DomainDef, el: XmlElement): number | undefined {
  const dev = parseDevice(el);
  if (dev?.kind !== 'controller') return undefined;
  const same = devicesOf(def.devices, 'controller').filter((c) => c.type === dev.type);
  const after = same.find((c) => (c.index ?? 0) > (dev.index ?? 0));
  if (after) return def.devices.indexOf(after.xml!);
  return same.length > 0 ? def.devices.indexOf(same.at(-1)!.xml!) + 1 : undefined;
}

/** Puts `el` after the devices of its kind and those libvirt writes before them (its arrays' order). */
export function insertByKind(def: DomainDef, el: XmlElement): void {
  const place = controllerPlace(def, el);
  if (place !== undefined) {
    def.devices.splice(place, 0, el);
    return;
  }
  const rank = (name: string): number => {
    const i = DEVICE_KIND_ORDER.indexOf(name);
    return i < 0 ? DEVICE_KIND_ORDER.length : i;
  };
  const after = def.devices.findIndex((x) => rank(x.name) > rank(el.name));
  def.devices.splice(after < 0 ? def.devices.length : after, 0, el);
}

/**
 * libvirt's old pairing, made at an attach whatever the port's bus: the serial port `serial` of
 * `def`, now its only one, with no console beside it, gets a console that copies it (host side,
 * port 0, and the port's address and alias, which the two share).
 */
export function addFirstSerialConsole(def: DomainDef, serial: DomainDevice): void {
  if (serial.kind !== 'serial' || devicesOf(def.devices, 'serial').length !== 1 || devicesOf(def.devices, 'console').length > 0) return;
  const { type, sources, protocol, address, alias } = serial;
  insertByKind(def, deviceElement(newDevice('console', { type, sources, protocol, address, alias, target: { type: 'serial', port: 0 } })));
}
