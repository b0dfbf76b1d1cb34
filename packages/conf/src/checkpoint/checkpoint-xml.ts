import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { parseXml } from '../xml/xml-parse.js';
import { escapeXml as esc } from '../xml/xml-format.js';
import { xmlError } from '../xml/xml-errors.js';
import { domainFromElement, type DomainParseDefaults } from '../domain/domain-parse.js';
import { formatDomainXML } from '../domain/domain-format.js';
import type { CheckpointDisk, DomainCheckpointDef } from './checkpoint-def.js';

export interface CheckpointParseOptions {
  /** REDEFINE: the XML describes an existing checkpoint, so name and creationTime are required. */
  redefine?: boolean;
  /** Defaults for the `<domain>` inside. */
  domainDefaults?: DomainParseDefaults;
}

export interface CheckpointFormatOptions {
  /** VIR_DOMAIN_CHECKPOINT_XML_NO_DOMAIN: leave the `<domain>` out. */
  noDomain?: boolean;
}

const D = ErrorDomain.DOMAIN_CHECKPOINT;

function childText(el: XmlElement, name: string): string | undefined {
  const c = firstChild(el, name);
  return c ? textOf(c) : undefined;
}

const CHECKPOINT_TYPES = ['default', 'no', 'bitmap'];

function diskFromElement(el: XmlElement): CheckpointDisk {
  const name = attr(el, 'name');
  if (name === undefined) throw xmlError('missing name from disk', D);
  const type = attr(el, 'checkpoint');
  if (type !== undefined && !CHECKPOINT_TYPES.includes(type)) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unknown disk checkpoint setting '${type}'`, D);
  }
  const bitmap = attr(el, 'bitmap');
  return { name, ...(type !== undefined && type !== 'default' ? { checkpoint: type } : {}), ...(bitmap !== undefined ? { bitmap } : {}) };
}

/** Parses a `<domaincheckpoint>` element with libvirt's rules (virDomainCheckpointDefParse). */
export function checkpointFromElement(root: XmlElement, opts: CheckpointParseOptions = {}): DomainCheckpointDef {
  if (root.name !== 'domaincheckpoint') throw xmlError(`expecting root element of 'domaincheckpoint', not '${root.name}'`, D);
  const def: DomainCheckpointDef = {};
  const name = childText(root, 'name');
  if (name !== undefined) def.name = name;
  else if (opts.redefine) throw xmlError('a redefined checkpoint must have a name', D);
  const description = childText(root, 'description');
  if (description !== undefined) def.description = description;
  if (opts.redefine) {
    const created = childText(root, 'creationTime')?.trim();
    if (!created || !/^-?\d+$/.test(created)) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, 'missing creationTime from existing checkpoint', D);
    }
    def.creationTime = Number(created);
    const parent = firstChild(root, 'parent');
    const parentName = parent && childText(parent, 'name');
    if (parentName !== undefined) def.parent = parentName.trim();
    const dom = firstChild(root, 'domain');
    if (dom) def.domain = domainFromElement(dom, opts.domainDefaults);
  }
  const disks = firstChild(root, 'disks');
  if (disks) def.disks = childElements(disks, 'disk').map(diskFromElement);
  return def;
}

/** Parses `<domaincheckpoint>` XML text; syntax errors are labelled `(domain_checkpoint)`. */
export function parseCheckpointXML(xml: string, opts: CheckpointParseOptions = {}): DomainCheckpointDef {
  return checkpointFromElement(parseXml(xml, 'domain_checkpoint', D), opts);
}

function indent(text: string, by: string): string {
  return text.replace(/^(?=.)/gm, by);
}

function formatDisk(d: CheckpointDisk): string {
  const checkpoint = d.checkpoint !== undefined ? ` checkpoint='${d.checkpoint}'` : '';
  const bitmap = d.bitmap !== undefined ? ` bitmap='${esc(d.bitmap)}'` : '';
  return `    <disk name='${esc(d.name)}'${checkpoint}${bitmap}/>\n`;
}

/** Formats a checkpoint as libvirt does (virDomainCheckpointDefFormat): fixed element order, the domain nested. */
export function formatCheckpointXML(def: DomainCheckpointDef, opts: CheckpointFormatOptions = {}): string {
  let out = '<domaincheckpoint>\n';
  if (def.name !== undefined) out += `  <name>${esc(def.name)}</name>\n`;
  if (def.description !== undefined) out += `  <description>${esc(def.description)}</description>\n`;
  if (def.parent !== undefined) out += `  <parent>\n    <name>${esc(def.parent)}</name>\n  </parent>\n`;
  if (def.creationTime !== undefined) out += `  <creationTime>${def.creationTime}</creationTime>\n`;
  if (def.disks && def.disks.length > 0) out += `  <disks>\n${def.disks.map(formatDisk).join('')}  </disks>\n`;
  if (def.domain && !opts.noDomain) out += indent(formatDomainXML(def.domain, { inactive: true }), '  ');
  return `${out}</domaincheckpoint>\n`;
}
