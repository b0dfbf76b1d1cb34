import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, driveAddress } from './qemu-disk.js';
import { devicesOf } from './typed-devices.js';

const unsupported = (msg: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, ErrorDomain.QEMU);

type Drive = { controller: number; bus: number; target: number; unit: number };
const driveText = (a: Drive): string => `controller='${a.controller}' bus='${a.bus}' target='${a.target}' unit='${a.unit}`;

/**
 * libvirt's define-time checks of host devices: SCSI hostdevs on distinct drive addresses, none
 * taken by a SCSI disk addressed by its target name, and no boot order on a vhost-scsi device.
 */
export function checkHostdevs(def: DomainDef): void {
  const taken: Drive[] = [];
  for (const h of devicesOf(def.devices, 'hostdev')) {
    if (h.type === 'scsi_host' && h.bootOrder !== undefined) throw unsupported('booting from assigned devices is not supported by vhost SCSI devices');
    const a = h.address;
    if (h.type !== 'scsi' || a?.type !== 'drive') continue;
    const drive = { controller: a.controller ?? 0, bus: a.bus ?? 0, target: a.target ?? 0, unit: a.unit ?? 0 };
    if (taken.some((t) => driveText(t) === driveText(drive))) throw unsupported(`SCSI host address ${driveText(drive)}' in use by another SCSI host device`);
    taken.push(drive);
  }
  for (const d of disksOf(def.devices)) {
    if (d.bus !== 'scsi' || d.disk.address?.type === 'drive') continue;
    const drive = driveAddress(d);
    // libvirt's message lacks the closing quote after the unit.
    if (taken.some((t) => driveText(t) === driveText(drive))) throw unsupported(`using disk target name '${d.target}' conflicts with SCSI host device address ${driveText(drive)}`);
  }
}
