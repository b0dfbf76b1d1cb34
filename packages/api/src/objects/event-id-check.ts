import { ErrorCode, VirError, type ErrorDomain } from '@tsvirt/util';

/** libvirt's check of an object event registration's eventID: INVALID_ARG naming the public API. */
export function checkEventID(api: string, eventID: number, last: number, domain: ErrorDomain): void {
  if (!(Number.isInteger(eventID) && eventID >= 0 && eventID < last)) {
    throw new VirError(ErrorCode.INVALID_ARG, undefined, domain, { message: `eventID in ${api} must be less than ${last}` });
  }
}
