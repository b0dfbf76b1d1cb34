import { deviceElement, formatDomainXML, newDevice, parseDomainXML, placeDisks, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskDeviceProps, formatProps, storageProps, type ResolvedDisk } from '../command/disk-props.js';
import { assignPciAddresses, hasPcieRoot } from '../command/pci-address.js';
import { usbPlacement } from '../command/usb-address.js';
import { diskOfElement, disksOf, driveAddress, type QemuDisk } from '../devices/qemu-disk.js';
import { devicesOf, writeBack } from '../devices/typed-devices.js';
import { qemuDiskDefaults, requireDriveController } from '../devices/disk-defaults.js';
import { assignUsbAddresses } from '../devices/usb-addresses.js';
import { buildSharedDiskTable, claimSharedDisks, sgioSettingsOf, sharedUsesOf } from '../shared-disks/shared-disk-table.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { clearPending, writePending, writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore } from '../state/qemu-store.js';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import { parseQemuDomain } from '../driver/domain-define.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { liveChain, nodesTaken, resolveHotplugDisk } from '../driver/resolve-disks.js';
import { deleteDiskNodes, forgetDisk } from './disk-removal.js';
import { plugWhole } from './whole-plug.js';
import { refuseFdGroupHotplug } from '../fdgroup/fd-sets.js';

const D = ErrorDomain.QEMU;

/** How long a live unplug waits for QEMU's DEVICE_DELETED before leaving it to finish later (libvirt's 5 s). */
export const UNPLUG_WAIT_MS = 5000;

/** The `<disk>` of a definition that a detach request names, by target. */
export function findDisk(devices: readonly XmlElement[], request: QemuDisk): QemuDisk {
  const found = disksOf(devices).find((d) => d.target === request.target);
  if (!found) throw new VirError(ErrorCode.DEVICE_MISSING, `disk ${request.target} not found`, D);
  return found;
}

/**
 * Plugs a disk into a running domain. The change is journalled in the run directory first (so a
 * process killed midway is settled by the next one from what QEMU has), then blockdev-add and
 * device_add, then the status is written once. A disk the shared-disk table tracks, or whose
 * sgio is set, is plugged under the driver-wide lock, its table rows claimed first. A failure
 * removes what was added and puts unpriv_sgio back; the status is not touched.
 */
export async function attachDiskLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  let def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const view = diskOfElement(el);
  await refuseFdGroupHotplug(drv.fdGroups, status, view, () => writeStatus(drv.paths, status));
  const clash = disksOf(def.devices).find((d) => d.target === view.target);
  if (clash) {
    throw new VirError(ErrorCode.XML_ERROR, `target '${view.target}' duplicated for disk sources '${clash.path ?? ''}' and '${view.path ?? ''}'`, ErrorDomain.DOMAIN);
  }
  if (view.device === 'floppy') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, "floppy device hotplug isn't supported", D);
  // The new disk has its bus and address before it takes its place among the others (libvirt's insertion order).
  const [own] = placeDisks([el]);
  if (view.bus === 'scsi') def = await withScsiController(drv, status, def, driveAddress(diskOfElement(own!)).controller);
  def.devices.push(own!);
  qemuDiskDefaults(def);
  assignPciAddresses(def.devices, def.os.machine, true);
  assignUsbAddresses(def);
  const placed = disksOf(def.devices).find((d) => d.target === view.target)!;
  const disk = await resolveHotplugDisk(drv, placed, def.devices, status.nextNode);
  // libvirt numbers a disk's images before anything can fail, so a failed plug uses its numbers up too.
  const spent = disk.node + nodesTaken([disk]);
  try {
    await plugDisk(drv, status, def, disk);
  } catch (e) {
    status.nextNode = Math.max(status.nextNode, spent);
    await writeStatus(drv.paths, status);
    throw e;
  }
}

/** The running domain's definition with the SCSI controller `index` a disk needs: plugged first when missing (an lsilogic one, as libvirt adds it). */
async function withScsiController(drv: DriverContext, status: ActiveStatus, def: DomainDef, index: number): Promise<DomainDef> {
  if (devicesOf(def.devices, 'controller').some((c) => c.type === 'scsi' && (c.index ?? 0) === index)) return def;
  await plugWhole(drv, status, deviceElement(newDevice('controller', { type: 'scsi', index, model: 'lsilogic' })));
  return parseDomainXML(status.xml, { arch: GUEST_ARCH });
}

/** The plug of a disk placed in `def` and resolved (see attachDiskLive). */
async function plugDisk(drv: DriverContext, status: ActiveStatus, def: DomainDef, disk: ResolvedDisk): Promise<void> {
  const pcieRoot = hasPcieRoot(def.devices);
  requireDriveController(def.devices, disk.view, pcieRoot);
  const device = diskDeviceProps(disk, pcieRoot, disk.view.bus === 'usb' ? usbPlacement(def.devices, disk.view.disk) : {});
  writeBack(def, { ...disk.view.disk, alias: disk.alias, ...liveChain(disk) });
  const uses = await sharedUsesOf([disk]);
  const settings = await sgioSettingsOf([disk]);
  const after: ActiveStatus = {
    ...status,
    sharedDisks: [...status.sharedDisks, ...uses],
    nextNode: disk.node + nodesTaken([disk]),
    diskNodes: { ...status.diskNodes, [disk.alias]: disk.node },
    xml: formatDomainXML(def, { id: status.id }),
  };

  const plug = (restoreSgio: () => Promise<void>): Promise<void> => plugLive(drv, status, after, disk.alias, disk.node, restoreSgio, async (mon) => {
    // Written at once and answered in order: a failure fails what follows it, and the first
    // failure is the one reported (one round trip instead of three).
    await Promise.all([
      ...(disk.path !== undefined ? [mon.execute('blockdev-add', storageProps(disk)), mon.execute('blockdev-add', formatProps(disk))] : []),
      mon.execute('device_add', device),
    ]);
  });
  // Only a disk the shared-disk table tracks, or whose sgio it sets, needs the driver-wide lock.
  if (uses.length === 0 && settings.length === 0) await plug(async () => undefined);
  else {
    await qemuStore(drv.paths).withDriverLock(async () => {
      await plug(await claimSharedDisks(buildSharedDiskTable(await qemuStore(drv.paths).loadActiveStatuses()), status.name, uses, settings));
    });
  }
}

/**
 * Adds a disk to a persistent definition as libvirt does: its bus and address filled in before it
 * takes its place, then the whole definition through the QEMU driver's defaults and checks again
 * (the controllers it now needs, addresses).
 */
export function attachDiskConfig(def: DomainDef, el: XmlElement): void {
  // Made aside, so that a refusal leaves the definition as it was.
  const next = parseQemuDomain(formatDomainXML({ ...def, devices: [...def.devices, ...placeDisks([el])] }, { inactive: true }), false);
  Object.assign(def, next);
}

/**
 * One journalled plug of a disk or SCSI hostdev: the journal (the status `after` it, with the
 * device pending), `add` through the monitor (block node `node`'s layers removed when it fails,
 * and unpriv_sgio put back), then the status written once.
 */
export async function plugLive(
  drv: DriverContext, status: ActiveStatus, after: ActiveStatus, alias: string, node: number,
  restoreSgio: () => Promise<void>, add: (mon: QmpClient) => Promise<void>,
): Promise<void> {
  await writePending(drv.paths, { ...after, pendingPlug: alias });
  try {
    await withMonitor(status, async (mon) => {
      try {
        await add(mon);
      } catch (e) {
        await deleteDiskNodes(mon, node);
        throw e;
      }
    });
  } catch (e) {
    await clearPending(status);
    await restoreSgio();
    throw e;
  }
  Object.assign(status, after);
  await writeStatus(drv.paths, status);
}

/**
 * Unplugs a disk from a running domain: device_del, then DEVICE_DELETED is awaited for a while,
 * and the status is written once: without the disk, or with its unplug pending. A device that
 * needs the guest's help (virtio-blk) may never go; any later look that finds it gone finishes
 * the removal.
 */
export async function detachDiskLive(drv: DriverContext, status: ActiveStatus, request: QemuDisk): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const disk = findDisk(def.devices, request);
  const alias = disk.alias;
  if (alias === undefined) throw new VirError(ErrorCode.OPERATION_FAILED, `disk ${disk.target} has no device id in QEMU`, D);
  await unplugLive(drv, status, alias);
}

/** Unplugs the disk or SCSI hostdev with device id `alias` (see detachDiskLive). */
export async function unplugLive(drv: DriverContext, status: ActiveStatus, alias: string): Promise<void> {
  const pending = status.pendingUnplug.includes(alias) ? status.pendingUnplug : [...status.pendingUnplug, alias];
  await writePending(drv.paths, { ...status, pendingUnplug: pending });
  const gone = await withMonitor(status, async (mon) => {
    const deleted = mon.waitForEvent((e) => e.event === 'DEVICE_DELETED' && e.data['device'] === alias, UNPLUG_WAIT_MS);
    try {
      await mon.execute('device_del', { id: alias });
    } catch (e) {
      await clearPending(status);
      throw e;
    }
    if (!(await deleted)) return false;
    await deleteDiskNodes(mon, status.diskNodes[alias]);
    return true;
  });
  status.pendingUnplug = pending;
  if (gone) forgetDisk(status, alias);
  await writeStatus(drv.paths, status);
}
