import { DomainFDAssociateFlags, type HypervisorDriver } from '@tsvirt/api';
import { ErrorDomain, checkFlags } from '@tsvirt/util';
import { readDomain } from '../driver/domain-access.js';
import type { DriverContext } from '../driver/driver-context.js';

const F = DomainFDAssociateFlags;

/** virDomainFDAssociate for one connection (`owner`): its groups close with it. */
export function fdGroupEntryPoints(drv: DriverContext, owner: object): Pick<HypervisorDriver, 'domainFDAssociate'> {
  return {
    async domainFDAssociate(dom, name, fds, flags) {
      checkFlags(flags, F.SECLABEL_RESTORE | F.SECLABEL_WRITABLE, 'qemuDomainFDAssociate', ErrorDomain.QEMU);
      if (fds.length === 0) return;
      await readDomain(drv, dom);
      drv.fdGroups.associate(dom.uuid, name, fds, flags, owner);
    },
  };
}
