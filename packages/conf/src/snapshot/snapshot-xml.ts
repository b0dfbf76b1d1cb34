import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { parseXml } from '../xml/xml-parse.js';
import { escapeXml as esc, formatXml } from '../xml/xml-format.js';
import { xmlError } from '../xml/xml-errors.js';
import { domainFromElement, type DomainParseDefaults } from '../domain/domain-parse.js';
import { formatDomainXML } from '../domain/domain-format.js';
import type { DomainSnapshotDef } from './snapshot-def.js';

/** The states a snapshot may record (libvirt's virDomainSnapshotState). */
export const SNAPSHOT_STATES = [
  'nostate', 'running', 'blocked', 'paused', 'shutdown', 'shutoff', 'crashed', 'pmsuspended', 'disk-snapshot',
] as const;

export interface SnapshotParseOptions {
  /** REDEFINE: the XML describes an existing snapshot, so name, state and creationTime are required. */
  redefine?: boolean;
  /** Read the test driver's `<active>` (required then), as its custom configs carry it. */
  internal?: boolean;
  /** Defaults for the `<domain>` inside. */
  domainDefaults?: DomainParseDefaults;
}

const D = ErrorDomain.DOMAIN_SNAPSHOT;

function childText(el: XmlElement, name: string): string | undefined {
  const c = firstChild(el, name);
  return c ? textOf(c) : undefined;
}

/** Parses a `<domainsnapshot>` element with libvirt's rules (virDomainSnapshotDefParse). */
export function snapshotFromElement(root: XmlElement, opts: SnapshotParseOptions = {}): DomainSnapshotDef {
  // A test-driver config writes it as <test:domainsnapshot>: the prefix does not matter.
  if (root.name.replace(/^[^:]*:/, '') !== 'domainsnapshot') {
    throw xmlError(`expecting root element of 'domainsnapshot', not '${root.name}'`, D);
  }
  const def: DomainSnapshotDef = {};
  const name = childText(root, 'name');
  if (name !== undefined) def.name = name;
  else if (opts.redefine) throw xmlError('a redefined snapshot must have a name', D);
  const description = childText(root, 'description');
  if (description !== undefined) def.description = description;
  if (opts.redefine) {
    const created = childText(root, 'creationTime')?.trim();
    if (!created || !/^-?\d+$/.test(created)) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, 'missing creationTime from existing snapshot', D);
    }
    def.creationTime = Number(created);
    const parent = firstChild(root, 'parent');
    const parentName = parent && childText(parent, 'name');
    if (parentName !== undefined) def.parent = parentName.trim();
    const state = childText(root, 'state')?.trim();
    if (state === undefined) throw xmlError('missing state from existing snapshot', D);
    if (!(SNAPSHOT_STATES as readonly string[]).includes(state)) {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `Invalid state '${state}' in domain snapshot XML`, D);
    }
    def.state = state;
    const dom = firstChild(root, 'domain');
    if (dom) def.domain = domainFromElement(dom, opts.domainDefaults);
    const inactive = firstChild(root, 'inactiveDomain');
    if (inactive) def.inactiveDomain = domainFromElement({ ...inactive, name: 'domain' }, opts.domainDefaults);
  }
  const memory = firstChild(root, 'memory');
  if (memory) {
    const file = attr(memory, 'file');
    const mode = attr(memory, 'snapshot');
    checkMode(mode, 'memory');
    def.memory = { snapshot: mode ?? (file ? 'external' : ''), ...(file !== undefined ? { file } : {}) };
  }
  // Without <memory>, a snapshot of a running guest holds its memory inside; one of a stopped guest none.
  if (!def.memory && def.state !== undefined) {
    def.memory = { snapshot: def.state === 'shutoff' || def.state === 'disk-snapshot' ? 'no' : 'internal' };
  }
  const disks = firstChild(root, 'disks');
  if (disks) {
    def.disks = childElements(disks, 'disk');
    for (const d of def.disks) checkMode(attr(d, 'snapshot'), 'disk');
  }
  if (opts.internal) {
    const active = childText(root, 'active')?.trim();
    if (active === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, "Could not find 'active' element", D);
    def.active = active === '1';
  }
  return def;
}

/** Parses `<domainsnapshot>` XML text; syntax errors are labelled `(domain_snapshot)`, as libvirt labels them. */
export function parseSnapshotXML(xml: string, opts: SnapshotParseOptions = {}): DomainSnapshotDef {
  return snapshotFromElement(parseXml(xml, 'domain_snapshot', D), opts);
}

const MODES = ['no', 'internal', 'external', 'manual'];

function checkMode(mode: string | undefined, element: string): void {
  if (mode !== undefined && !MODES.includes(mode)) {
    throw xmlError(`Invalid value for attribute 'snapshot' in element '${element}': '${mode}'.`);
  }
}

function indent(text: string, by: string): string {
  return text.replace(/^(?=.)/gm, by);
}

export interface SnapshotFormatOptions {
  /** The driver's own file (VIR_DOMAIN_SNAPSHOT_FORMAT_INTERNAL): `<active>` says whether it is the current snapshot. */
  internal?: { current: boolean };
}

/** Formats a snapshot as libvirt does (virDomainSnapshotDefFormat): fixed element order, the domain nested. */
export function formatSnapshotXML(def: DomainSnapshotDef, opts: SnapshotFormatOptions = {}): string {
  let out = '<domainsnapshot>\n';
  if (def.name !== undefined) out += `  <name>${esc(def.name)}</name>\n`;
  if (def.description !== undefined) out += `  <description>${esc(def.description)}</description>\n`;
  if (def.state !== undefined) out += `  <state>${def.state}</state>\n`;
  if (def.parent !== undefined) out += `  <parent>\n    <name>${esc(def.parent)}</name>\n  </parent>\n`;
  if (def.creationTime !== undefined) out += `  <creationTime>${def.creationTime}</creationTime>\n`;
  if (def.memory) out += indent(formatXml({ kind: 'element', name: 'memory', attrs: memoryAttrs(def), children: [] }), '  ');
  if (def.disks && def.disks.length > 0) {
    out += '  <disks>\n';
    for (const d of def.disks) out += indent(formatXml(d), '    ');
    out += '  </disks>\n';
  }
  if (def.domain) out += indent(formatDomainXML(def.domain, { inactive: true }), '  ');
  if (def.inactiveDomain) {
    const text = formatDomainXML(def.inactiveDomain, { inactive: true });
    out += indent(text.replace(/^<domain\b/, '<inactiveDomain').replace(/<\/domain>\n$/, '</inactiveDomain>\n'), '  ');
  }
  if (opts.internal) out += `  <active>${opts.internal.current ? 1 : 0}</active>\n`;
  return `${out}</domainsnapshot>\n`;
}

function memoryAttrs(def: DomainSnapshotDef): Array<[string, string]> {
  const m = def.memory!;
  return [['snapshot', m.snapshot], ...(m.file !== undefined ? [['file', m.file] as [string, string]] : [])];
}
