import { hostByParentAddress, type ParentAddress } from './parent-address.js';
import { parseHostNumber as numberOf } from './scsi-lus.js';
import { hostByWWN, type Adapter } from './vhba.js';

/** Whether two parent addresses are the same HBA's and host's. */
const sameParent = (a: ParentAddress, b: ParentAddress): boolean => a.uniqueId === b.uniqueId &&
  (['domain', 'bus', 'slot', 'function'] as const).every((k) => (a.address?.[k] ?? 0) === (b.address?.[k] ?? 0));

/** A scsi_host adapter's host number: by its name, or the host found at its parent address (none: undefined). */
const scsiHostOf = (a: Adapter): number | undefined => numberOf(a.parentaddr ? hostByParentAddress(a.parentaddr) : a.name);

/** Whether an fc_host adapter uses SCSI host `host`: its parent is that host, or its vHBA is. */
function fcUsesHost(fc: Adapter, host: number): boolean {
  if (numberOf(fc.parent) === host) return true;
  const vhba = fc.wwnn !== undefined && fc.wwpn !== undefined ? hostByWWN(fc.wwnn, fc.wwpn) : undefined;
  return numberOf(vhba) === host;
}

/**
 * Whether two SCSI pools' adapters are the same storage, as libvirt's duplicate check decides:
 * fc_host adapters with the same port names, scsi_host adapters with the same parent address or
 * the same host number (a parent address's host is looked up in sysfs), or an fc_host adapter
 * whose parent or vHBA is the other's scsi_host.
 */
export function sameAdapter(a: Adapter | undefined, b: Adapter | undefined): boolean {
  if (!a || !b) return false;
  const [aFc, bFc] = [a.type === 'fc_host', b.type === 'fc_host'];
  if (aFc && bFc) return a.wwnn === b.wwnn && a.wwpn === b.wwpn;
  if (aFc || bFc) {
    const [fc, scsi] = aFc ? [a, b] : [b, a];
    const host = scsiHostOf(scsi);
    return host !== undefined && fcUsesHost(fc, host);
  }
  if (a.parentaddr && b.parentaddr && sameParent(a.parentaddr, b.parentaddr)) return true;
  const host = scsiHostOf(a);
  return host !== undefined && host === scsiHostOf(b);
}
