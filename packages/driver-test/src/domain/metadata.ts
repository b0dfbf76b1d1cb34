import { domainMetadata, setDomainMetadata } from '@tsvirt/conf';
import { DomainEventDetail, DomainEventType, DomainMetadataType as M, DomainModificationImpact as Impact } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';
import type { TestHost } from '../test-host.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;

function unknownType(type: number): VirError {
  return new VirError(ErrorCode.INVALID_ARG, `unknown metadata type '${type}'`, ErrorDomain.DOMAIN);
}

/** testDomainSetMetadata: the description, the title or one namespaced element, in the live and/or persistent definition. */
export function setMetadata(obj: DomainObject, type: number, metadata: string | undefined, key: string | undefined,
  uri: string | undefined, flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetMetadata', D);
  const { live, config } = impactDefs(obj, flags);
  const value = metadata === '' ? undefined : metadata;
  for (const def of [live, config]) {
    if (!def) continue;
    if (type === M.DESCRIPTION) def.description = value;
    else if (type === M.TITLE) def.title = value;
    else if (type === M.ELEMENT) setDomainMetadata(def, uri!, key, value);
    else throw unknownType(type);
  }
}

/** testDomainGetMetadata: as libvirt prints an element: without its namespace, two-space indented. */
export function getMetadata(obj: DomainObject, type: number, uri: string | undefined, flags: number): string {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainGetMetadata', D);
  const def = impactDef(obj, flags);
  let found: string | undefined;
  if (type === M.DESCRIPTION) found = def.description;
  else if (type === M.TITLE) found = def.title;
  else if (type === M.ELEMENT) found = domainMetadata(def, uri);
  else throw unknownType(type);
  if (found === undefined) {
    throw new VirError(ErrorCode.NO_DOMAIN_METADATA, 'Requested metadata element is not present', ErrorDomain.DOMAIN);
  }
  return found;
}

/** testDomainRename: only an inactive persistent domain (a managed save image does not matter); raises UNDEFINED and DEFINED (renamed). */
export function renameDomain(host: TestHost, obj: DomainObject, newName: string, flags: number): void {
  checkFlags(flags, 0, 'testDomainRename', D);
  const invalid = (text: string): VirError => new VirError(ErrorCode.OPERATION_INVALID, text, D);
  if (isActive(obj)) throw invalid('cannot rename active domain');
  if (!obj.persistent) throw invalid('cannot rename a transient domain');
  if (newName.includes('/')) throw new VirError(ErrorCode.XML_ERROR, `name ${newName} cannot contain '/'`, ErrorDomain.DOMAIN);
  if (newName === obj.def.name) throw new VirError(ErrorCode.OPERATION_INVALID, "Can't rename domain to itself", ErrorDomain.DOMAIN);
  if (host.domains.some((d) => d.def.name === newName)) {
    throw new VirError(ErrorCode.OPERATION_INVALID, `domain with name '${newName}' already exists`, ErrorDomain.DOMAIN);
  }
  host.emit(obj, DomainEventType.UNDEFINED, DomainEventDetail.UNDEFINED.RENAMED);
  obj.def.name = newName;
  host.emit(obj, DomainEventType.DEFINED, DomainEventDetail.DEFINED.RENAMED);
}
