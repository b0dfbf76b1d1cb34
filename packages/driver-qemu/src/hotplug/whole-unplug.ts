import { formatDomainXML, parseDevice, parseDomainXML, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { withDeviceAliases } from '../devices/device-aliases.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import { liveRefusal } from './device-alias.js';
import { unplugLive } from './disk-hotplug.js';
import { isIsaPort, unplugIsaPort } from './isa-unplug.js';
import { findWholeDevice, isWholeKind, refuseBusyController } from './whole-device-find.js';

/** What QEMU holds for a device beside it, named by its alias: chardevs and objects, gone after it (libvirt's qemuDomainRemove*Device). */
function backendsOf(dev: DomainDevice, alias: string): { objects: string[]; chardevs: string[] } {
  switch (dev.kind) {
    case 'serial': case 'parallel': case 'channel': case 'console': case 'redirdev':
      return { objects: [], chardevs: [`char${alias}`] };
    case 'rng':
      return { objects: [`obj${alias}`], chardevs: dev.backend?.model === 'egd' ? [`char${alias}`] : [] };
    case 'shmem':
      // A doorbell (a server) talks through a chardev; the others map a memory backend.
      return dev.server !== undefined || dev.model === 'ivshmem-doorbell' ? { objects: [], chardevs: [`char${alias}`] } : { objects: [`shmmem-${alias}`], chardevs: [] };
    default:
      return { objects: [], chardevs: [] };
  }
}

/**
 * Finishes a device QEMU has removed (DEVICE_DELETED): its objects and chardevs go (ones already
 * gone are fine), and it leaves the live definition and any pending mark.
 */
export async function forgetWholeDevice(mon: QmpClient, status: ActiveStatus, alias: string): Promise<void> {
  const def = withDeviceAliases(parseDomainXML(status.xml, { arch: GUEST_ARCH }));
  const el = def.devices.find((x) => isWholeKind(x.name) && (parseDevice(x) as { alias?: string }).alias === alias);
  if (!el) return;
  const { objects, chardevs } = backendsOf(parseDevice(el)!, alias);
  for (const id of objects) await mon.execute('object-del', { id }).catch(() => undefined);
  for (const id of chardevs) await mon.execute('chardev-remove', { id }).catch(() => undefined);
  def.devices = def.devices.filter((x) => x !== el);
  status.xml = formatDomainXML(def, { id: status.id });
  status.pendingUnplug = status.pendingUnplug.filter((a) => a !== alias);
}

/**
 * Unplugs `el`, a device of the live definition (its alias its QEMU id): libvirt's refusals first
 * (kinds it never unplugs, PS/2 inputs, a SCSI controller with disks on it), ISA ports through
 * QEMU's own refusal, the rest by device_del; DEVICE_DELETED is awaited as for disks, and a PCI
 * device without a guest to eject it stays, its unplug pending until QEMU reports it gone.
 */
export async function unplugWhole(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const refusal = liveRefusal(el);
  if (refusal) throw refusal;
  const dev = parseDevice(el);
  if (dev?.kind === 'controller') refuseBusyController(parseDomainXML(status.xml, { arch: GUEST_ARCH }), dev);
  if (isIsaPort(el)) return unplugIsaPort(status, el);
  const alias = (dev as { alias?: string } | undefined)?.alias;
  if (alias === undefined) throw new VirError(ErrorCode.OPERATION_FAILED, `<${el.name}> has no device id in QEMU`, ErrorDomain.QEMU);
  await unplugLive(drv, status, alias);
  if (status.pendingUnplug.includes(alias)) return;
  await withMonitor(status, (mon) => forgetWholeDevice(mon, status, alias));
  await writeStatus(drv.paths, status);
}

/** detach-device --live of a device of the kinds above: found as libvirt finds it, then unplugged. */
export async function detachWholeLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const def = withDeviceAliases(parseDomainXML(status.xml, { arch: GUEST_ARCH }));
  await unplugWhole(drv, status, findWholeDevice(def, el));
}
