import type { DomainDef, XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, driveAddress, scsiControllerModel } from './qemu-disk.js';
import { devicesOf, writeBack, type DeviceOf } from './typed-devices.js';

type Hostdev = DeviceOf<'hostdev'>;

/** Units a SCSI controller model has on its bus: LSI's 7 (the 8th is the controller), virtio-scsi's many. */
const maxUnits = (model: string): number => (model === 'lsilogic' ? 7 : 16384);

/**
 * A SCSI hostdev without a drive address gets the first free unit on the first SCSI controller
 * (bus 0, target 0), as libvirt assigns one; undefined when the domain has no SCSI controller.
 */
export function withDriveAddress(devices: readonly XmlElement[], h: Hostdev): Hostdev | undefined {
  if (h.address?.type === 'drive') return h;
  const controller = devicesOf(devices, 'controller').find((c) => c.type === 'scsi');
  if (!controller) return undefined;
  const index = controller.index ?? 0;
  const used = new Set([
    ...disksOf(devices).filter((d) => d.bus === 'scsi').map(driveAddress),
    ...devicesOf(devices, 'hostdev').flatMap((x) => (x.address?.type === 'drive' ? [{ controller: x.address.controller ?? 0, bus: x.address.bus ?? 0, target: x.address.target ?? 0, unit: x.address.unit ?? 0 }] : [])),
  ].filter((a) => a.controller === index && a.bus === 0 && a.target === 0).map((a) => a.unit));
  let unit = 0;
  while (used.has(unit)) unit++;
  if (unit >= maxUnits(scsiControllerModel(devices, index))) {
    throw new VirError(ErrorCode.OPERATION_FAILED, `No free unit on SCSI controller ${index} for the host device`, ErrorDomain.QEMU);
  }
  return { ...h, address: { type: 'drive', controller: index, bus: 0, target: 0, unit } };
}

/**
 * Gives every SCSI hostdev of a definition its drive address, at define time as libvirt does, and
 * writes out that a subsystem host device the definition does not call managed is not.
 */
export function assignHostdevDriveAddresses(def: DomainDef): void {
  for (const found of devicesOf(def.devices, 'hostdev')) {
    const h = found.mode === 'subsystem' && found.managed === undefined ? { ...found, managed: false } : found;
    const placed = h.type === 'scsi' && h.address?.type !== 'drive' ? withDriveAddress(def.devices, h) : h;
    if (placed && placed !== found) writeBack(def, placed);
  }
}
