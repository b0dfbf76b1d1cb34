import type { DeviceOf, XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { hostdevIds, isScsiGeneric } from '../command/hostdev-args.js';
import type { ActiveStatus, ScsiHostdevUse, SharedDiskUse } from '../state/domain-status.js';
import { findScsiHostDevice, isHostScsi } from './scsi-host-device.js';
import type { SgioSetting } from './shared-disk-table.js';

/** What a domain's SCSI hostdevs need of the host before QEMU runs. */
export interface ScsiHostdevPlan {
  /** The sg node of each host adapter's LUN, by the hostdev's place among the domain's hostdevs. */
  readonly sgPaths: Map<number, string>;
  /** Every host adapter's LUN the domain holds (shareable or not). */
  readonly uses: ScsiHostdevUse[];
  /** The shareable ones, as rows of the shared-disk table. */
  readonly shared: SharedDiskUse[];
  /** The unpriv_sgio each shareable one asks of its LUN's block device. */
  readonly settings: SgioSetting[];
  /** The backend node number of each SCSI hostdev (iSCSI ones too), by device id. */
  readonly nodes: Record<string, number>;
}

/**
 * Looks up the SCSI hostdevs among `hostdevs` (each with its place among the domain's hostdevs and its device id)
 * in sysfs and numbers their backend nodes from `firstNode`. A shareable LUN is keyed in the
 * shared-disk table by its sg node's `major:minor`; its sgio sets unpriv_sgio on the LUN's block
 * device (the sg node has no queue), or on nothing for a LUN without one, where only filtered
 * access can be had.
 */
export async function planScsiHostdevs(hostdevs: ReadonlyArray<{ readonly h: DeviceOf<'hostdev'>; readonly index: number; readonly alias: string }>, firstNode: number): Promise<ScsiHostdevPlan> {
  const plan: ScsiHostdevPlan = { sgPaths: new Map(), uses: [], shared: [], settings: [], nodes: {} };
  let node = firstNode;
  for (const { h, index: i, alias } of hostdevs) {
    if (!isScsiGeneric(h)) continue;
    plan.nodes[alias] = node++;
    if (!isHostScsi(h)) continue;
    const lun = await findScsiHostDevice(h);
    plan.sgPaths.set(i, lun.sgPath);
    const shareable = h.shareable === true;
    plan.uses.push({ name: lun.name, alias, shareable });
    if (!shareable || lun.key === undefined) continue;
    const sgioKey = lun.blockKey ?? lun.key;
    plan.shared.push({ key: lun.key, path: lun.sgPath, label: lun.name, sgio: h.sgio ?? 'filtered', alias, sgioKey, hostdev: true });
    plan.settings.push({ key: sgioKey, sgio: h.sgio });
  }
  return plan;
}

/** The plan of all SCSI hostdevs of a domain being started, their nodes after its `diskCount` disks'. */
export function planDomainScsiHostdevs(devices: readonly XmlElement[], diskCount: number): Promise<ScsiHostdevPlan> {
  const hostdevs = devicesOf(devices, 'hostdev');
  const ids = hostdevIds(hostdevs);
  return planScsiHostdevs(hostdevs.map((h, index) => ({ h, index, alias: ids[index]! })), diskCount + 1);
}

/**
 * Refuses a LUN another active domain holds unless both hold it shareable, in libvirt's words
 * (its list of active SCSI hostdevs is the status files' `scsiHostdevs` here).
 */
export function checkScsiHostdevsFree(active: readonly ActiveStatus[], domain: string, uses: readonly ScsiHostdevUse[]): void {
  for (const use of uses) {
    for (const s of active) {
      if (s.name === domain) continue;
      const held = s.scsiHostdevs?.find((u) => u.name === use.name);
      if (held && !(held.shareable && use.shareable)) {
        throw new VirError(ErrorCode.OPERATION_INVALID, `SCSI device ${use.name} is already in use by other domain(s) as '${held.shareable ? 'shareable' : 'non-shareable'}'`, ErrorDomain.QEMU);
      }
    }
  }
}
