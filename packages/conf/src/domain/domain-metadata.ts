import { mapPacked } from '../packed.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { element, type XmlElement } from '../xml/xml-node.js';
import { parseXml } from '../xml/xml-parse.js';
import { formatXml } from '../xml/xml-format.js';
import type { DomainDef } from './domain-def.js';

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);
const isNamespaceDecl = ([k]: [string, string]): boolean => k === 'xmlns' || k.startsWith('xmlns:');

/** The namespace URI a metadata element declares for its own prefix. */
function namespaceOf(el: XmlElement): string | undefined {
  const prefix = el.name.includes(':') ? el.name.slice(0, el.name.indexOf(':')) : undefined;
  return el.attrs.find(([k]) => k === (prefix === undefined ? 'xmlns' : `xmlns:${prefix}`))?.[1];
}

/** Every element of the tree in namespace `prefix` (or none), without other namespace declarations. */
function renamed(el: XmlElement, prefix: string | undefined): XmlElement {
  const name = prefix === undefined ? localName(el.name) : `${prefix}:${localName(el.name)}`;
  const children = mapPacked(el.children, (c) => (c.kind === 'element' ? renamed(c, prefix) : c));
  return element(name, el.attrs.filter((a) => !isNamespaceDecl(a)), children);
}

const metadataOf = (def: DomainDef): XmlElement | undefined => def.other.find((e) => e.name === 'metadata');

/**
 * The `<metadata>` element of namespace `uri` as libvirt's virDomainGetMetadata prints it: without
 * its namespace, two-space indented; undefined when there is none.
 */
export function domainMetadata(def: DomainDef, uri: string | undefined): string | undefined {
  const el = metadataOf(def)?.children.find((c): c is XmlElement => c.kind === 'element' && namespaceOf(c) === uri);
  return el && formatXml(renamed(el, undefined), 0, { foreign: true }).replace(/\n$/, '');
}

/**
 * Sets (or with no XML removes) the `<metadata>` element of namespace `uri`, in place, as
 * libvirt's virDomainDefSetMetadata: the XML's elements are put in namespace `key`. An emptied
 * `<metadata/>` stays, as in libvirt.
 */
export function setDomainMetadata(def: DomainDef, uri: string, key: string | undefined, xml: string | undefined): void {
  let added: XmlElement | undefined;
  if (xml !== undefined) {
    const root = parseXml(xml, 'metadata_xml', ErrorDomain.DOMAIN);
    if (root.attrs.some(([k]) => k === `xmlns:${key}`)) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, 'failed to create a new XML namespace', ErrorDomain.DOMAIN);
    }
    const plain = renamed(root, key);
    added = element(plain.name, [[`xmlns:${key}`, uri], ...plain.attrs], plain.children);
  }
  const meta = metadataOf(def);
  const kept = (meta?.children ?? []).filter((c) => c.kind !== 'element' || namespaceOf(c) !== uri);
  if (added) kept.push(added);
  if (!meta && !added) return;
  const next = element('metadata', meta?.attrs ?? [], kept);
  def.other = meta ? def.other.map((e) => (e === meta ? next : e)) : [...def.other, next];
}
