import type { DomainDef, XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, driveAddress } from './qemu-disk.js';
import { devicesOf, type DeviceOf } from './typed-devices.js';
import { requireSharedMemory } from '../command/vhost-user-disk.js';

const unsupported = (msg: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, ErrorDomain.QEMU);

/** Buses whose disks sit on drive addresses. */
const DRIVE_BUSES = new Set(['ide', 'sata', 'scsi', 'fdc']);

/** Two disks of one bus at one drive address: libvirt names the first. */
function checkDriveAddresses(devices: readonly XmlElement[]): void {
  const disks = disksOf(devices).filter((d) => DRIVE_BUSES.has(d.bus));
  const key = (d: (typeof disks)[number]): string => {
    const a = driveAddress(d);
    return `${d.bus} controller='${a.controller}' bus='${a.bus}' target='${a.target}' unit='${a.unit}'`;
  };
  disks.forEach((d, i) => {
    if (disks.slice(i + 1).some((o) => key(o) === key(d))) {
      throw unsupported(`Found duplicate drive address for disk with target name '${d.target}' ${key(d).slice(d.bus.length + 1)}`);
    }
  });
}

/** A boot order on a device and `<os><boot dev>` at once. */
function checkBootOrders(def: DomainDef): void {
  if (def.os.boot.length === 0) return;
  const kinds = ['disk', 'interface', 'hostdev', 'redirdev', 'filesystem'] as const;
  if (kinds.some((k) => devicesOf(def.devices, k).some((d) => 'bootOrder' in d && d.bootOrder !== undefined))) {
    throw unsupported('per-device boot elements cannot be used together with os/boot elements');
  }
}

/** The ports a virtio-serial controller has when its XML gives no number. */
const VIRTIO_SERIAL_PORTS = 31;

/**
 * The virtio-serial ports channels and consoles name, reserved as libvirt reserves them: each on a
 * port its controller has, once (port 0 names none).
 */
function checkVirtioSerialPorts(def: DomainDef): void {
  const xmlError = (msg: string): VirError => new VirError(ErrorCode.XML_ERROR, msg, ErrorDomain.DOMAIN);
  const controllers = devicesOf(def.devices, 'controller').filter((c) => c.type === 'virtio-serial');
  const taken = new Set<string>();
  for (const c of [...devicesOf(def.devices, 'channel'), ...devicesOf(def.devices, 'console')]) {
    if (c.address?.type !== 'virtio-serial' || Number(c.address.port ?? 0) === 0) continue;
    const [controller, port] = [c.address.controller ?? 0, Number(c.address.port)];
    const ports = controllers.find((x) => (x.index ?? 0) === controller)?.ports ?? VIRTIO_SERIAL_PORTS;
    if (port >= ports) throw xmlError(`virtio serial controller ${controller} does not have port ${port}`);
    if (taken.has(`${controller}:${port}`)) throw xmlError(`virtio serial port ${port} on controller ${controller} is already occupied`);
    taken.add(`${controller}:${port}`);
  }
}

/** A watchdog's address as libvirt checks it when it reads one (a definition, or a device to plug): ib700 takes none, i6300esb only a PCI one. */
export function checkWatchdogAddress(w: DeviceOf<'watchdog'>): void {
  if (w.address === undefined) return;
  if (w.model === 'ib700') throw unsupported('ib700 model of watchdog does not support configuring the address');
  if (w.model === 'i6300esb' && w.address.type !== 'pci') throw unsupported('i6300esb model of watchdog can go only on PCI bus');
}

/**
 * Where libvirt 9.0's QEMU driver refuses a device for its address or its number: a watchdog's
 * address (ib700 takes none, i6300esb only a PCI one), a second smartcard, and a usb-net
 * interface without an address (libvirt looks for a PCI slot for it, and no bus takes it).
 */
function checkPlacements(def: DomainDef): void {
  for (const w of devicesOf(def.devices, 'watchdog')) checkWatchdogAddress(w);
  if (devicesOf(def.devices, 'smartcard').length > 1) throw unsupported('this QEMU binary lacks multiple smartcard support');
  if (devicesOf(def.devices, 'interface').some((n) => n.model === 'usb-net' && n.address === undefined)) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, 'Cannot automatically add a new PCI bus for a device with connect flags 00', ErrorDomain.QEMU);
  }
}

/** libvirt's define-time checks of devices: drive addresses, virtio-serial ports, placements, boot orders, virtiofs' read-only mode. */
export function checkDevices(def: DomainDef): void {
  checkDriveAddresses(def.devices);
  checkVirtioSerialPorts(def);
  checkPlacements(def);
  checkBootOrders(def);
  const virtiofs = devicesOf(def.devices, 'filesystem').filter((f) => f.driver?.type === 'virtiofs');
  if (virtiofs.some((f) => f.readonly === true)) throw unsupported('virtiofs does not yet support read-only mode');
  if (virtiofs.length) requireSharedMemory(def, 'virtiofs');
}
