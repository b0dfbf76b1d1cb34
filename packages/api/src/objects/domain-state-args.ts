import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { DomainMetadataType as M, DomainSaveRestoreFlags as S, DomainSnapshotCreateFlags as C } from '../domain-state-flags.js';
import { DomainModificationImpact as Impact } from '../flags.js';
import { checkExclusiveFlags, checkNonNull, checkNull, checkRequiredFlag } from './arg-checks.js';

/** The check libvirt's save, restore and managed-save calls share: RUNNING and PAUSED exclude each other. */
export function checkSaveFlags(flags: number): void {
  checkExclusiveFlags(flags, S.RUNNING, 'VIR_DOMAIN_SAVE_RUNNING', S.PAUSED, 'VIR_DOMAIN_SAVE_PAUSED');
}

/** virDomainSnapshotCreateXML's own flag rules, checked before the driver sees the call. */
export function checkSnapshotCreateFlags(flags: number): void {
  checkRequiredFlag(flags, C.CURRENT, 'VIR_DOMAIN_SNAPSHOT_CREATE_CURRENT', C.REDEFINE, 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE');
  checkExclusiveFlags(flags, C.REDEFINE, 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE', C.NO_METADATA, 'VIR_DOMAIN_SNAPSHOT_CREATE_NO_METADATA');
  checkExclusiveFlags(flags, C.REDEFINE, 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE', C.HALT, 'VIR_DOMAIN_SNAPSHOT_CREATE_HALT');
}

/** virDomainSetMetadata's argument rules: a title has one line; description and title take no uri or key; an element needs both. */
export function checkSetMetadataArgs(type: number, metadata: string | undefined, key: string | undefined, uri: string | undefined): void {
  const api = 'virDomainSetMetadata';
  if (type === M.TITLE && metadata?.includes('\n')) {
    const text = "metadata title can't contain newlines";
    throw new VirError(ErrorCode.INVALID_ARG, text, ErrorDomain.DOMAIN, { message: text });
  }
  if (type === M.TITLE || type === M.DESCRIPTION) {
    checkNull(uri, 'uri', api);
    checkNull(key, 'key', api);
  } else if (type === M.ELEMENT) {
    checkNonNull(uri, 'uri', api);
    if (metadata !== undefined) checkNonNull(key, 'key', api);
  }
}

/** virDomainGetMetadata's argument rules. */
export function checkGetMetadataArgs(type: number, uri: string | undefined, flags: number): void {
  const api = 'virDomainGetMetadata';
  checkExclusiveFlags(flags, Impact.LIVE, 'VIR_DOMAIN_AFFECT_LIVE', Impact.CONFIG, 'VIR_DOMAIN_AFFECT_CONFIG');
  if (type === M.TITLE || type === M.DESCRIPTION) checkNull(uri, 'uri', api);
  else if (type === M.ELEMENT) checkNonNull(uri, 'uri', api);
}
