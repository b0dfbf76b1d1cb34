import { DomainModificationImpact } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isActiveStatus } from '../state/domain-status.js';
import type { StoredDomain } from '../state/qemu-store.js';

const I = DomainModificationImpact;

/** Which definitions a change reaches. */
export interface Impact {
  readonly live: boolean;
  readonly config: boolean;
}

/**
 * libvirt's virDomainObjUpdateModificationImpact: CURRENT means the live definition of a running
 * domain, else the persistent one; LIVE needs a running domain, CONFIG a persistent one.
 */
export function modificationImpact(d: StoredDomain, flags: number): Impact {
  const active = isActiveStatus(d.status) && d.status.phase === 'active';
  let live = (flags & I.LIVE) !== 0;
  let config = (flags & I.CONFIG) !== 0;
  if (!live && !config) {
    live = active;
    config = !active;
  }
  if (live && !active) throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', ErrorDomain.QEMU);
  if (config && !d.persistentDef) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'transient domains do not have any persistent config', ErrorDomain.QEMU);
  }
  return { live, config };
}
