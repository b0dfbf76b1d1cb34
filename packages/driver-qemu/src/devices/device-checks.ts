import type { DomainDef, XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, driveAddress } from './qemu-disk.js';
import { devicesOf } from './typed-devices.js';
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

/** libvirt's define-time checks of devices: drive addresses, boot orders, virtiofs' read-only mode. */
export function checkDevices(def: DomainDef): void {
  checkDriveAddresses(def.devices);
  checkBootOrders(def);
  const virtiofs = devicesOf(def.devices, 'filesystem').filter((f) => f.driver?.type === 'virtiofs');
  if (virtiofs.some((f) => f.readonly === true)) throw unsupported('virtiofs does not yet support read-only mode');
  if (virtiofs.length) requireSharedMemory(def, 'virtiofs');
}
