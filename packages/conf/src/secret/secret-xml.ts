import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { parseXml } from '../xml/xml-parse.js';
import { attr, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { escapeXml } from '../xml/xml-format.js';
import { xmlError } from '../xml/xml-errors.js';
import { generateUUID, parseUUID } from '../uuid.js';
import { SECRET_USAGE_TYPES, type SecretDef, type SecretUsageName } from './secret-def.js';

const D = ErrorDomain.SECRET;

/** The element that holds each usage type's id, and libvirt's words when it is missing. */
const USAGE_ID: Readonly<Record<Exclude<SecretUsageName, 'none'>, { element: string; missing: string }>> = {
  volume: { element: 'volume', missing: 'volume usage specified, but volume path is missing' },
  ceph: { element: 'name', missing: 'Ceph usage specified, but name is missing' },
  iscsi: { element: 'target', missing: 'iSCSI usage specified, but target is missing' },
  tls: { element: 'name', missing: 'TLS usage specified, but name is missing' },
  vtpm: { element: 'name', missing: 'vTPM usage specified, but name is missing' },
};

const internal = (message: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, message, D);

/** A `yes`/`no` attribute; absent is no. */
function yesNo(root: XmlElement, name: string): boolean {
  const v = attr(root, name);
  if (v === undefined || v === 'no') return false;
  if (v === 'yes') return true;
  throw xmlError(`invalid value of '${name}'`, D);
}

/** An element's text, undefined when absent or empty (libvirt's XPath string reads). */
function text(el: XmlElement | undefined): string | undefined {
  const t = el && textOf(el);
  return t ? t : undefined;
}

function parseUsage(root: XmlElement): Pick<SecretDef, 'usageType' | 'usageID'> {
  const usage = firstChild(root, 'usage');
  if (!usage) return { usageType: 'none', usageID: '' };
  const typeName = attr(usage, 'type');
  if (typeName === undefined) throw xmlError('unknown secret usage type', D);
  const usageType = SECRET_USAGE_TYPES.find((t) => t === typeName);
  if (usageType === undefined) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unknown secret usage type ${typeName}`, D);
  if (usageType === 'none') return { usageType, usageID: '' };
  const rule = USAGE_ID[usageType];
  const id = text(firstChild(usage, rule.element));
  if (id === undefined) throw internal(rule.missing);
  return { usageType, usageID: id };
}

/** Parses `<secret>` XML (libvirt's virSecretDefParse); a secret without a UUID gets one. */
export function parseSecretXML(xml: string): SecretDef {
  const root = parseXml(xml, 'definition_of_secret', D);
  if (root.name !== 'secret') throw xmlError(`expecting root element of 'secret', not '${root.name}'`);
  const ephemeral = yesNo(root, 'ephemeral');
  const isPrivate = yesNo(root, 'private');
  const uuidText = text(firstChild(root, 'uuid'));
  const uuid = uuidText === undefined ? generateUUID() : parseUUID(uuidText);
  if (uuid === undefined) throw internal('malformed uuid element');
  const description = text(firstChild(root, 'description'));
  return { uuid, ephemeral, isPrivate, ...(description !== undefined ? { description } : {}), ...parseUsage(root) };
}

/** Formats a secret as libvirt does (virSecretDefFormat). */
export function formatSecretXML(def: SecretDef): string {
  const yn = (b: boolean): string => (b ? 'yes' : 'no');
  const lines = [
    `<secret ephemeral='${yn(def.ephemeral)}' private='${yn(def.isPrivate)}'>`,
    `  <uuid>${def.uuid}</uuid>`,
    ...(def.description !== undefined ? [`  <description>${escapeXml(def.description)}</description>`] : []),
  ];
  if (def.usageType !== 'none') {
    const el = USAGE_ID[def.usageType].element;
    lines.push(`  <usage type='${def.usageType}'>`, `    <${el}>${escapeXml(def.usageID)}</${el}>`, '  </usage>');
  }
  lines.push('</secret>');
  return `${lines.join('\n')}\n`;
}
