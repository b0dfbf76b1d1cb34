import { ErrorCode, type ErrorDomain } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';

/**
 * libvirt's check of a new definition against the domains a driver has (virDomainObjListAdd):
 * a name may not come back with another UUID, nor a UUID under another name. Answers the domain
 * the definition replaces, if any.
 */
export function checkDomainIdentity<T extends { readonly name: string }>(
  domains: readonly T[], uuidOf: (d: T) => string, name: string, uuid: string, domain: ErrorDomain,
): T | undefined {
  let same: T | undefined;
  for (const other of domains) {
    const otherUuid = uuidOf(other);
    if (other.name === name && otherUuid !== uuid) throw new VirError(ErrorCode.OPERATION_FAILED, `domain '${name}' already exists with uuid ${otherUuid}`, domain);
    if (other.name !== name && otherUuid === uuid) throw new VirError(ErrorCode.OPERATION_FAILED, `domain '${other.name}' is already defined with uuid ${uuid}`, domain);
    if (other.name === name) same = other;
  }
  return same;
}
