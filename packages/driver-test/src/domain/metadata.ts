import { element, formatXml, parseXml, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { DomainEventDetail, DomainEventType, DomainMetadataType as M, DomainModificationImpact as Impact } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';
import type { TestHost } from '../test-host.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);
const isNamespaceDecl = ([k]: [string, string]): boolean => k === 'xmlns' || k.startsWith('xmlns:');

/** The namespace URI a metadata element declares for its own prefix. */
function namespaceOf(el: XmlElement): string | undefined {
  const prefix = el.name.includes(':') ? el.name.slice(0, el.name.indexOf(':')) : undefined;
  return el.attrs.find(([k]) => k === (prefix === undefined ? 'xmlns' : `xmlns:${prefix}`))?.[1];
}

function metadataElement(def: DomainDef): XmlElement | undefined {
  return def.other.find((e) => e.name === 'metadata');
}

/** Every element of the tree in namespace `prefix` (or none), without other namespace declarations. */
function renamed(el: XmlElement, prefix: string | undefined): XmlElement {
  const name = prefix === undefined ? localName(el.name) : `${prefix}:${localName(el.name)}`;
  const children = el.children.map((c) => (c.kind === 'element' ? renamed(c, prefix) : c));
  return element(name, el.attrs.filter((a) => !isNamespaceDecl(a)), children);
}

/** Sets or removes the element of namespace `uri` in `<metadata>` (libvirt's virDomainDefSetMetadata). */
function setElement(def: DomainDef, xml: string | undefined, key: string | undefined, uri: string): void {
  let added: XmlElement | undefined;
  if (xml !== undefined) {
    const root = parseXml(xml, 'metadata_xml', ErrorDomain.DOMAIN);
    if (root.attrs.some(([k]) => k === `xmlns:${key}`)) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, 'failed to create a new XML namespace', ErrorDomain.DOMAIN);
    }
    const plain = renamed(root, key);
    added = element(plain.name, [[`xmlns:${key}`, uri], ...plain.attrs], plain.children);
  }
  let meta = metadataElement(def);
  const kept = (meta?.children ?? []).filter((c) => c.kind !== 'element' || namespaceOf(c) !== uri);
  if (added) kept.push(added);
  if (!meta) {
    if (!added) return;
    meta = element('metadata');
    def.other.push(meta);
  }
  // libvirt keeps an emptied <metadata/>.
  meta.children = kept;
}

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
    else if (type === M.ELEMENT) setElement(def, value, key, uri!);
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
  else if (type === M.ELEMENT) {
    const el = metadataElement(def)?.children.find((c): c is XmlElement => c.kind === 'element' && namespaceOf(c) === uri);
    if (el) found = formatXml(renamed(el, undefined), 0, { foreign: true }).replace(/\n$/, '');
  } else throw unknownType(type);
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
