import { formatDomainXML, parseDomainXML, replaceDevice, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskOfElement, disksOf, type QemuDisk } from '../devices/qemu-disk.js';
import { devicesOf, typedDevice, type DeviceOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { findInterface, liveNicIds } from './interface-hotplug.js';
import { updateMemoryConfig, updateMemoryLive } from '../memdev/memory-update.js';

const D = ErrorDomain.QEMU;
type Nic = DeviceOf<'interface'>;

/** The kinds and fields an update may change; anything else is refused by name. */
function unsupported(what: string): VirError {
  return new VirError(ErrorCode.OPERATION_UNSUPPORTED, what, D);
}

/** The removable disk (cdrom or floppy) of a definition that an update names by target. */
function removableDisk(def: DomainDef, asked: QemuDisk): QemuDisk {
  const found = disksOf(def.devices).find((d) => d.target === asked.target);
  if (!found) throw new VirError(ErrorCode.INTERNAL_ERROR, `disk '${asked.target}' not found`, D);
  if (found.device !== 'cdrom' && found.device !== 'floppy') throw unsupported(`disk device '${found.device}' of '${found.target}' cannot be updated, only its media of cdrom and floppy`);
  return found;
}

/** An interface update may change only its link state here. */
function changedInterface(def: DomainDef, el: XmlElement): { nic: Nic; linkState: Nic['linkState'] } {
  const asked = typedDevice(el, 'interface');
  const nic = findInterface(devicesOf(def.devices, 'interface'), asked);
  if ((asked.model ?? nic.model) !== nic.model) {
    throw new VirError(ErrorCode.NO_SUPPORT, `cannot modify network device model from ${nic.model ?? 'default'} to ${asked.model ?? 'default'}`, D);
  }
  if (asked.type !== nic.type || asked.source?.network !== nic.source?.network || asked.source?.bridge !== nic.source?.bridge) {
    throw unsupported(`changing the type or source of interface '${nic.mac ?? ''}' is not supported, only its link state`);
  }
  return { nic, linkState: asked.linkState };
}

/** The new definition of a device after an update (the media or the link state), its position kept. */
function updatedDef(def: DomainDef, el: XmlElement): DomainDef {
  if (el.name === 'interface') {
    const { nic, linkState } = changedInterface(def, el);
    return replaceDevice(def, nic, { ...nic, linkState });
  }
  if (el.name === 'disk') {
    const asked = diskOfElement(el);
    const found = removableDisk(def, asked);
    if (asked.device !== found.device) throw unsupported("cannot modify field 'device' of the disk");
    return replaceDevice(def, found.disk, { ...asked.disk, alias: found.alias, address: found.disk.address });
  }
  throw unsupported(`update of device '${el.name}' is not supported`);
}

/** Changes a device of the persistent definition (virDomainUpdateDeviceFlags with CONFIG). */
export async function updateConfig(drv: DriverContext, d: StoredDomain, el: XmlElement): Promise<void | (() => Promise<void>)> {
  if (el.name === 'memory') return updateMemoryConfig(drv, d, el);
  const def = updatedDef(d.persistentDef!, el);
  await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
}

/**
 * Changes a device of a running domain: a cdrom's or floppy's media (`blockdev-change-medium`,
 * or `eject` when the new definition has no source) or an interface's link (`set_link`), then
 * one status write.
 */
export async function updateLive(drv: DriverContext, status: ActiveStatus, el: XmlElement, force: boolean): Promise<void> {
  if (el.name === 'memory') return updateMemoryLive(drv, status, el);
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const next = updatedDef(def, el);
  await withMonitor(status, async (mon) => {
    if (el.name === 'interface') {
      const { nic, linkState } = changedInterface(def, el);
      const nics = devicesOf(def.devices, 'interface');
      await mon.execute('set_link', { name: liveNicIds(nics, nic).device, up: linkState !== 'down' });
      return;
    }
    const asked = diskOfElement(el);
    const found = removableDisk(def, asked);
    if (!found.alias) throw new VirError(ErrorCode.OPERATION_FAILED, `disk ${found.target} has no device id in QEMU`, D);
    if (asked.path === undefined) await mon.execute('eject', { id: found.alias, force });
    else await mon.execute('blockdev-change-medium', { id: found.alias, filename: asked.path, format: asked.format, 'read-only-mode': 'read-only' });
  });
  status.xml = formatDomainXML(next, { id: status.id });
  await writeStatus(drv.paths, status);
}
