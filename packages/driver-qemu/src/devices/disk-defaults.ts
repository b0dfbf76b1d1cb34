import { placeDisks, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { driveAddress, type QemuDisk } from './qemu-disk.js';
import { devicesOf, writeBack } from './typed-devices.js';

/**
 * What libvirt fills into every `<disk>`, at define and for a disk being attached alike: the
 * generic parse's (in its insertion order, each a device, a bus from its target name, a CD-ROM
 * read-only, a drive address on a drive bus) and the QEMU driver's (QEMU as its driver and,
 * unless a volume's pool decides, raw as its format: qemuDomainDeviceDiskDefPostParse).
 */
export function qemuDiskDefaults(def: DomainDef): void {
  def.devices = placeDisks(def.devices);
  for (const d of devicesOf(def.devices, 'disk')) {
    const name = d.driver?.name ?? 'qemu';
    const type = d.driver?.type ?? (d.type === 'volume' ? undefined : 'raw');
    if (d.device === undefined || name !== d.driver?.name || type !== d.driver?.type) {
      writeBack(def, { ...d, device: d.device ?? 'disk', driver: { ...d.driver, name, type } });
    }
  }
}

/**
 * The controller a disk on a drive bus sits on must exist, as libvirt looks it up when it builds
 * the device (and adds none for a disk plugged live); a PC's built-in IDE controller is QEMU's
 * own, not in the definition.
 */
export function requireDriveController(devices: readonly XmlElement[], v: QemuDisk, pcieRoot: boolean): void {
  if (v.bus !== 'sata' && (v.bus !== 'ide' || !pcieRoot)) return;
  const { controller } = driveAddress(v);
  if (devicesOf(devices, 'controller').some((c) => c.type === v.bus && (c.index ?? 0) === controller)) return;
  throw new VirError(ErrorCode.INTERNAL_ERROR, `Could not find ${v.bus} controller with index ${controller} required for device`, ErrorDomain.QEMU);
}
