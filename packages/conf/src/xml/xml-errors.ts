import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** libvirt's XML_ERROR for a document that is well formed but says something wrong. */
export function xmlError(detail: string, domain: ErrorDomain = ErrorDomain.XML): VirError {
  return new VirError(ErrorCode.XML_ERROR, detail, domain);
}
