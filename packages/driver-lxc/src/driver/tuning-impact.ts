import { DomainModificationImpact } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isActive, type ActiveStatus } from '../state/lxc-status.js';
import type { StoredDomain } from '../state/lxc-store.js';
import { notRunning } from './lxc-access.js';

/**
 * What a tuning change applies to (libvirt's virDomainObjGetDefs): the running container when
 * LIVE (or CURRENT and running), the persistent definition when CONFIG (or CURRENT and stopped).
 */
export function tuningTargets(d: StoredDomain, flags: number): { live: ActiveStatus | undefined; config: boolean } {
  const active = isActive(d.status) && d.status.phase === 'active' ? d.status : undefined;
  const live = (flags & DomainModificationImpact.LIVE) !== 0 || (flags === 0 && active !== undefined);
  const config = (flags & DomainModificationImpact.CONFIG) !== 0 || (flags === 0 && active === undefined);
  if (live && !active) throw notRunning();
  if (config && !d.persistentDef) throw new VirError(ErrorCode.OPERATION_INVALID, 'transient domains do not have any persistent config', ErrorDomain.LXC);
  return { live: live ? active : undefined, config };
}
