import { ErrorCode, VirError, type ErrorDomain } from '@tsvirt/util';
import { parseUUID } from '@tsvirt/conf';

/** A `...LookupByUUIDString` argument in canonical form, or libvirt's INVALID_ARG naming the API. */
export function uuidArg(uuid: string, api: string, domain: ErrorDomain): string {
  const canonical = parseUUID(uuid);
  if (canonical) return canonical;
  const text = `uuidstr in ${api} must be a valid UUID`;
  throw new VirError(ErrorCode.INVALID_ARG, text, domain, { message: text });
}
