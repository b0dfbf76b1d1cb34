import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from './typed-devices.js';

/** libvirt's define-time rules of `<vsock>`: one a domain, and a fixed context id above the host's reserved ones (0-2). */
export function checkVsock(def: DomainDef): void {
  const all = devicesOf(def.devices, 'vsock');
  if (all.length > 1) throw new VirError(ErrorCode.XML_ERROR, 'only a single vsock device is supported', ErrorDomain.DOMAIN);
  const cid = all[0]?.cid?.address;
  if (cid !== undefined && cid > 0 && cid < 3) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'guest CIDs must be >= 3', ErrorDomain.DOMAIN);
}
