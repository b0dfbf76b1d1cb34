import { parseHostNumber as numberOf } from './scsi-lus.js';
import { hostByWWN, type Adapter } from './vhba.js';

/** Whether an fc_host adapter uses SCSI host `host`: its parent is that host, or its vHBA is. */
function fcUsesHost(fc: Adapter, host: number): boolean {
  if (numberOf(fc.parent) === host) return true;
  const vhba = fc.wwnn !== undefined && fc.wwpn !== undefined ? hostByWWN(fc.wwnn, fc.wwpn) : undefined;
  return numberOf(vhba) === host;
}

/**
 * Whether two SCSI pools' adapters are the same storage, as libvirt's duplicate check decides:
 * fc_host adapters with the same port names, scsi_host adapters with the same host number, or an
 * fc_host adapter whose parent or vHBA is the other's scsi_host.
 */
export function sameAdapter(a: Adapter | undefined, b: Adapter | undefined): boolean {
  if (!a || !b) return false;
  const [aFc, bFc] = [a.type === 'fc_host', b.type === 'fc_host'];
  if (aFc && bFc) return a.wwnn === b.wwnn && a.wwpn === b.wwpn;
  if (aFc || bFc) {
    const [fc, scsi] = aFc ? [a, b] : [b, a];
    const host = numberOf(scsi.name);
    return host !== undefined && fcUsesHost(fc, host);
  }
  const host = numberOf(a.name);
  return host !== undefined && host === numberOf(b.name);
}
