import { formatDomainXML, parseDomainXML, type DeviceOf, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isScsiGeneric, scsiHostdevBackend, scsiHostdevDevice } from '../command/hostdev-args.js';
import { checkHostdevs } from '../devices/hostdev-validate.js';
import { withDriveAddress } from '../devices/hostdev-address.js';
import { devicesOf, typedDevice, writeBack } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { checkScsiHostdevsFree, planScsiHostdevs } from '../shared-disks/scsi-hostdev-claims.js';
import { buildSharedDiskTable, claimSharedDisks } from '../shared-disks/shared-disk-table.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, qemuStore } from '../state/qemu-store.js';
import { raiseDeviceAdded } from './device-added.js';
import { plugLive, unplugLive } from './disk-hotplug.js';

type Hostdev = DeviceOf<'hostdev'>;
const D = ErrorDomain.QEMU;

/** The first `hostdevN` no device of the domain has. */
function freeHostdevAlias(devices: readonly XmlElement[]): string {
  const taken = new Set(devicesOf(devices, 'hostdev').map((x) => x.alias));
  let n = 0;
  while (taken.has(`hostdev${n}`)) n++;
  return `hostdev${n}`;
}

const refuseKind = (h: Hostdev): VirError =>
  new VirError(ErrorCode.OPERATION_UNSUPPORTED, `live attach or detach of host device of type '${h.type ?? ''}' is not supported`, D);

/**
 * Plugs a SCSI hostdev into a running domain, as a disk is plugged: its LUN looked up in sysfs,
 * checked against the LUNs other domains hold and claimed in the shared-disk table under the
 * driver-wide lock, journalled, then blockdev-add + device_add, and the status written once. A
 * failure removes the backend and puts unpriv_sgio back; the status is not touched.
 */
export async function attachHostdevLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const asked = typedDevice(el, 'hostdev');
  if (!isScsiGeneric(asked)) throw refuseKind(asked);
  def.devices.push(el);
  const placed = withDriveAddress(def.devices, asked);
  if (!placed) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'SCSI host device needs a SCSI controller, which the domain does not have', D);
  const alias = asked.alias?.startsWith('ua-') ? asked.alias : freeHostdevAlias(def.devices);
  const h = { ...placed, alias };
  writeBack(def, h);
  checkHostdevs(def);
  const node = status.nextNode;
  const plan = await planScsiHostdevs([{ h, index: devicesOf(def.devices, 'hostdev').length - 1, alias }], node);
  const at = { id: alias, node, sgPath: [...plan.sgPaths.values()][0] };
  const after: ActiveStatus = {
    ...status,
    sharedDisks: [...status.sharedDisks, ...plan.shared],
    ...(plan.uses.length ? { scsiHostdevs: [...(status.scsiHostdevs ?? []), ...plan.uses] } : {}),
    nextNode: node + 1,
    diskNodes: { ...status.diskNodes, [alias]: node },
    xml: formatDomainXML(def, { id: status.id }),
  };
  await qemuStore(drv.paths).withDriverLock(async () => {
    const active = await qemuStore(drv.paths).loadActiveStatuses();
    // The domain's own LUNs count too: libvirt's list of active SCSI hostdevs holds them.
    checkScsiHostdevsFree(active, '', plan.uses);
    const restoreSgio = await claimSharedDisks(buildSharedDiskTable(active), status.name, plan.shared, plan.settings);
    await plugLive(drv, status, after, alias, node, restoreSgio, async (mon) => {
      await mon.execute('blockdev-add', scsiHostdevBackend(h, at));
      await mon.execute('device_add', scsiHostdevDevice(h, at, def.devices));
    });
  });
  raiseDeviceAdded(drv, status, alias);
}

/** Whether two SCSI hostdevs name the same LUN: a host adapter's by adapter and address, an iSCSI one by its name. */
function sameLun(a: Hostdev, b: Hostdev): boolean {
  const x = a.source;
  const y = b.source;
  if (x?.protocol === 'iscsi' || y?.protocol === 'iscsi') return x?.protocol === y?.protocol && x?.name === y?.name;
  return x?.adapter === y?.adapter && (x?.address?.bus ?? 0) === (y?.address?.bus ?? 0)
    && (x?.address?.target ?? 0) === (y?.address?.target ?? 0) && (x?.address?.unit ?? 0) === (y?.address?.unit ?? 0);
}

/** The live hostdev a detach request names, refused in libvirt's words when there is none. */
function findHostdev(devices: readonly XmlElement[], request: Hostdev): Hostdev {
  const found = devicesOf(devices, 'hostdev').find((x) => isScsiGeneric(x) && sameLun(x, request));
  if (found) return found;
  const s = request.source;
  if (s?.protocol === 'iscsi') throw new VirError(ErrorCode.DEVICE_MISSING, `host scsi iSCSI path ${s.name ?? ''} not found`, D);
  const a = s?.address;
  throw new VirError(ErrorCode.DEVICE_MISSING, `host scsi device ${s?.adapter ?? ''}:${a?.bus ?? 0}:${a?.target ?? 0}.${a?.unit ?? 0} not found`, D);
}

/**
 * Unplugs a SCSI hostdev as a disk is unplugged: device_del, DEVICE_DELETED awaited (a SCSI unplug
 * needs no guest), the backend deleted, and the status written once without the device, its table
 * row and its LUN.
 */
export async function detachHostdevLive(drv: DriverContext, status: ActiveStatus, el: XmlElement): Promise<void> {
  const request = typedDevice(el, 'hostdev');
  if (!isScsiGeneric(request)) throw refuseKind(request);
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  const h = findHostdev(def.devices, request);
  if (h.alias === undefined) throw new VirError(ErrorCode.OPERATION_FAILED, 'host device has no device id in QEMU', D);
  // The table's rows go with the status (it is rebuilt from the status files); the backend with the device.
  await unplugLive(drv, status, h.alias);
}

/**
 * Adds or removes a SCSI hostdev in a persistent definition: an added one gets its drive address
 * (a LUN the definition has already is refused in libvirt's words); a removed one is found by LUN.
 */
export function changeHostdevConfig(def: DomainDef, el: XmlElement, op: 'attach' | 'detach'): void {
  const asked = typedDevice(el, 'hostdev');
  if (!isScsiGeneric(asked)) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `persistent attach or detach of host device of type '${asked.type ?? ''}' is not supported`, D);
  if (op === 'detach') {
    const found = findHostdev(def.devices, asked);
    def.devices = def.devices.filter((x) => x !== found.xml);
    return;
  }
  if (devicesOf(def.devices, 'hostdev').some((x) => isScsiGeneric(x) && sameLun(x, asked))) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'device is already in the domain configuration', D);
  }
  def.devices.push(el);
  const placed = withDriveAddress(def.devices, asked);
  if (placed) writeBack(def, placed);
  checkHostdevs(def);
}
