import { DomainSnapshotCreateFlags as C, type Domain } from '@tsvirt/api';
import { escapeXml } from '@tsvirt/conf';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import type { Ctl } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg } from '../../domain-lookup.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { boolOpt } from '../shared/modify-impact.js';
import { SNAPSHOT_GROUP } from './snapshot-common.js';

/** The creation flags both commands share, in virsh's option order. */
const CREATE_FLAGS: ReadonlyArray<[string, number, string]> = [
  ['no-metadata', C.NO_METADATA, 'take snapshot but create no metadata'],
  ['halt', C.HALT, 'halt domain after snapshot is created'],
  ['disk-only', C.DISK_ONLY, 'capture disk state but not vm state'],
  ['reuse-external', C.REUSE_EXT, 'reuse any existing external files'],
  ['quiesce', C.QUIESCE, "quiesce guest's file systems"],
  ['atomic', C.ATOMIC, 'require atomic operation'],
  ['live', C.LIVE, 'take a live snapshot'],
  ['validate', C.VALIDATE, 'validate the XML against the schema'],
];
const CREATE_OPTS: OptDef[] = CREATE_FLAGS.map(([n, , h]) => boolOpt(n, h));

function createFlags(cmd: ParsedCommand): number {
  return CREATE_FLAGS.reduce((f, [n, bit]) => (cmd.bool(n) ? f | bit : f), 0);
}

/** virshSnapshotCreate: creates it and says so, naming the file it came from if any (no newline: the command's own ends the line). */
async function createAndReport(ctl: Ctl, dom: Domain, xml: string, flags: number, from?: string): Promise<boolean> {
  const snap = await dom.snapshotCreateXML(xml, flags);
  ctl.extra(from === undefined ? `Domain snapshot ${snap.getName()} created` : `Domain snapshot ${snap.getName()} created from '${from}'`);
  return true;
}

export const snapshotCreate: CommandDef = {
  name: 'snapshot-create',
  group: SNAPSHOT_GROUP,
  help: 'Create a snapshot from XML',
  desc: 'Create a snapshot (disk and RAM) from XML',
  options: [
    domainOpt(),
    { name: 'xmlfile', type: 'string', help: 'domain snapshot XML' },
    boolOpt('redefine', 'redefine metadata for existing snapshot'),
    boolOpt('current', 'with redefine, set current snapshot'),
    ...CREATE_OPTS,
  ],
  async run(ctl, cmd) {
    let flags = createFlags(cmd);
    if (cmd.bool('redefine')) flags |= C.REDEFINE;
    if (cmd.bool('current')) flags |= C.CURRENT;
    const dom = await domainArg(ctl, cmd);
    const from = cmd.string('xmlfile');
    const xml = from === undefined ? '<domainsnapshot/>' : await readXMLFile(from);
    return createAndReport(ctl, dom, xml, flags, from);
  },
};

/** Splits a spec at commas, `,,` standing for a comma (vshStringToArray). */
export function splitSpec(spec: string): string[] {
  const parts: string[] = [];
  let part = '';
  for (let i = 0; i < spec.length; i++) {
    if (spec[i] !== ',') part += spec[i];
    else if (spec[i + 1] === ',') part += spec[i++];
    else {
      parts.push(part);
      part = '';
    }
  }
  return [...parts, part];
}

/** Takes `key=value` fields of a spec, each at most once, in any order. */
export function specFields(fields: readonly string[], keys: readonly string[], bare?: (v: string) => string | undefined): Map<string, string> | undefined {
  const found = new Map<string, string>();
  for (const f of fields) {
    const key = keys.find((k) => f.startsWith(`${k}=`) && !found.has(k));
    if (key) found.set(key, f.slice(key.length + 1));
    else if (bare?.(f) !== undefined && !found.has('file')) found.set('file', f);
    else return undefined;
  }
  return found;
}

function memspecXML(spec: string): string {
  const found = specFields(splitSpec(spec), ['snapshot', 'file'], (v) => (v.startsWith('/') ? v : undefined));
  if (!found) throw new VshError(`unable to parse memspec: ${spec}`);
  const snapshot = found.get('snapshot');
  const file = found.get('file');
  return `  <memory${snapshot !== undefined ? ` snapshot='${escapeXml(snapshot)}'` : ''}${file !== undefined ? ` file='${escapeXml(file)}'` : ''}/>\n`;
}

function diskspecXML(spec: string): string {
  const [name = '', ...rest] = splitSpec(spec);
  const found = specFields(rest, ['snapshot', 'driver', 'stype', 'file']);
  if (!found) throw new VshError(`unable to parse diskspec: ${spec}`);
  const stype = found.get('stype');
  if (stype !== undefined && stype !== 'file' && stype !== 'block') {
    // virsh reports the type, then the spec it could not use.
    throw new VshError(`Unknown storage type: '${stype}'\nerror: unable to parse diskspec: ${spec}`);
  }
  let open = `    <disk name='${escapeXml(name)}'`;
  if (found.has('snapshot')) open += ` snapshot='${found.get('snapshot')}'`;
  if (stype !== undefined) open += ` type='${stype}'`;
  const driver = found.get('driver');
  const file = found.get('file');
  if (driver === undefined && file === undefined) return `${open}/>\n`;
  let out = `${open}>\n`;
  if (driver !== undefined) out += `      <driver type='${driver}'/>\n`;
  if (file !== undefined) out += `      <source ${stype === 'block' ? 'dev' : 'file'}='${escapeXml(file)}'/>\n`;
  return `${out}    </disk>\n`;
}

export const snapshotCreateAs: CommandDef = {
  name: 'snapshot-create-as',
  group: SNAPSHOT_GROUP,
  help: 'Create a snapshot from a set of args',
  desc: 'Create a snapshot (disk and RAM) from arguments',
  options: [
    domainOpt(),
    { name: 'name', type: 'string', help: 'name of snapshot' },
    { name: 'description', type: 'string', help: 'description of snapshot' },
    boolOpt('print-xml', 'print XML document rather than create'),
    ...CREATE_OPTS,
    { name: 'memspec', type: 'string', namedOnly: true, help: 'memory attributes: [file=]name[,snapshot=type]' },
    { name: 'diskspec', type: 'argv', help: 'disk attributes: disk[,snapshot=type][,driver=type][,stype=type][,file=name]' },
  ],
  async run(ctl, cmd) {
    const flags = createFlags(cmd);
    const dom = await domainArg(ctl, cmd);
    const name = cmd.string('name');
    const description = cmd.string('description');
    let xml = '<domainsnapshot>\n';
    if (name !== undefined) xml += `  <name>${escapeXml(name)}</name>\n`;
    if (description !== undefined) xml += `  <description>${escapeXml(description)}</description>\n`;
    const memspec = cmd.string('memspec');
    if (memspec !== undefined) xml += memspecXML(memspec);
    const disks = cmd.argv('diskspec');
    if (disks.length > 0) xml += `  <disks>\n${disks.map(diskspecXML).join('')}  </disks>\n`;
    xml += '</domainsnapshot>\n';
    if (cmd.bool('print-xml')) {
      ctl.print(`${xml}\n`);
      return true;
    }
    return createAndReport(ctl, dom, xml, flags);
  },
};
