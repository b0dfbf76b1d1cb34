import { StorageVolCreateFlags as C, type StoragePool, type StorageVol } from '@tsvirt/api';
import { parseXml, type XmlElement } from '@tsvirt/conf';
import type { CommandDef, OptDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { lookupObject } from '../../object-lookup.js';
import { optionalString, poolOpt, volArg, POOL } from '../../storage-lookup.js';
import { parseSize } from '../../storage-sizes.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { dumpElement } from '../../xml-dump.js';
import { withPolledProgress } from '../../vsh/progress-bar.js';
import { volOpt } from './volume-info.js';
import { objectCommand } from '../shared/object-command.js';

const bool = (name: string, help: string): OptDef => ({ name, type: 'bool', help });
const str = (name: string, help: string): OptDef => ({ name, type: 'string', help });
const fileOpt: OptDef = { name: 'file', type: 'string', positional: true, required: true, help: 'file containing an XML vol description' };
const preallocOpt = bool('prealloc-metadata', 'preallocate metadata (for qcow2 instead of full allocation)');
const reflinkOpt = bool('reflink', 'use btrfs COW lightweight copy');
const validateOpt = bool('validate', 'validate the XML against the schema');

/** StorageVolCreateFlags from the options a command has. */
function createFlags(cmd: ParsedCommand): number {
  return (cmd.bool('prealloc-metadata') ? C.PREALLOC_METADATA : 0) | (cmd.bool('reflink') ? C.REFLINK : 0) |
    (cmd.bool('validate') ? C.VALIDATE : 0);
}

async function orFail<T>(what: () => Promise<T>, failure: string): Promise<T> {
  try {
    return await what();
  } catch (e) {
    throw new CommandFailed(failure, e);
  }
}

export const volCreate = objectCommand({
  name: 'vol-create',
  group: 'volume',
  help: 'create a vol from an XML file',
  desc: 'Create a vol.',
  object: POOL,
  objectHelp: 'pool name',
  options: [fileOpt, preallocOpt, validateOpt],
  async run(pool, ctl, cmd) {
    const file = cmd.required('file');
    const xml = await readXMLFile(file);
    const vol = await orFail(() => pool.createXML(xml, createFlags(cmd)), `Failed to create vol from ${file}`);
    ctl.extra(`Vol ${vol.getName()} created from ${file}\n`);
    return true;
  },
});

/** The backing volume of vol-create-as: a name in the pool, a key or a path. */
async function backingPath(ctl: Parameters<CommandDef['run']>[0], cmd: ParsedCommand, pool: StoragePool): Promise<string> {
  const conn = await ctl.connect();
  const vol = await lookupObject<StorageVol>(ctl, cmd, 'backing-vol', (t) => [
    ['trying as vol name', () => pool.storageVolLookupByName(t)],
    ['trying as vol key', () => conn.storageVolLookupByKey(t)],
    ['trying as vol path', () => conn.storageVolLookupByPath(t)],
  ], (t) => `failed to get vol '${t}'`);
  return vol.getPath();
}

export const volCreateAs = objectCommand({
  name: 'vol-create-as',
  group: 'volume',
  help: 'create a volume from a set of args',
  desc: 'Create a vol.',
  object: POOL,
  objectHelp: 'pool name',
  options: [
    { name: 'name', type: 'string', positional: true, required: true, help: 'name of the volume' },
    { name: 'capacity', type: 'string', positional: true, required: true, help: 'size of the vol, as scaled integer (default bytes)' },
    str('allocation', 'initial allocation size, as scaled integer (default bytes)'),
    str('format', 'file format type raw,bochs,qcow,qcow2,qed,vmdk'),
    str('backing-vol', 'the backing volume if taking a snapshot'),
    str('backing-vol-format', 'format of backing volume if taking a snapshot'),
    preallocOpt,
    { name: 'print-xml', type: 'bool', help: "print XML document, but don't define/create" },
  ],
  async run(pool, ctl, cmd) {
    const name = cmd.required('name');
    const capacity = parseSize(cmd.required('capacity'));
    // An empty --allocation is taken as none at all, as virsh does.
    const allocationText = cmd.string('allocation');
    const allocation = allocationText ? parseSize(allocationText) : undefined;
    const format = optionalString(cmd, 'format');
    const backingFormat = optionalString(cmd, 'backing-vol-format');
    const backing = optionalString(cmd, 'backing-vol') !== undefined ? await backingPath(ctl, cmd, pool) : undefined;
    let xml = `<volume>\n  <name>${name}</name>\n  <capacity>${capacity}</capacity>\n`;
    if (allocation !== undefined) xml += `  <allocation>${allocation}</allocation>\n`;
    if (format !== undefined) xml += `  <target>\n    <format type='${format}'/>\n  </target>\n`;
    if (backing !== undefined) {
      xml += `  <backingStore>\n    <path>${backing}</path>\n`;
      if (backingFormat !== undefined) xml += `    <format type='${backingFormat}'/>\n`;
      xml += '  </backingStore>\n';
    }
    xml += '</volume>\n';
    if (cmd.bool('print-xml')) {
      ctl.print(xml);
      return true;
    }
    await orFail(() => pool.createXML(xml, createFlags(cmd)), `Failed to create vol ${name}`);
    ctl.extra(`Vol ${name} created\n`);
    return true;
  },
});

/** The `<name>` of a volume document, when it parses and has one. */
function nameOf(xml: string): string | undefined {
  try {
    const el = parseXml(xml).children.find((c): c is XmlElement => c.kind === 'element' && c.name === 'name');
    return el?.children.map((c) => (c.kind === 'text' ? c.text : '')).join('').trim();
  } catch {
    return undefined;
  }
}

/**
 * createXMLFrom with a progress bar on a terminal: the API reports no progress of a copy, so the
 * bar follows the new volume's allocation (it exists from the start of the copy) against the
 * source's size.
 */
async function copyWithProgress(pool: StoragePool, xml: string, from: StorageVol, flags: number): Promise<StorageVol> {
  const name = nameOf(xml);
  const total = (await from.getInfo().catch(() => undefined))?.allocation;
  const measure = async (): Promise<bigint | undefined> =>
    name === undefined ? undefined : (await (await pool.storageVolLookupByName(name)).getInfo()).allocation;
  return withPolledProgress(`copy ${from.getName()}${name ? ` to ${name}` : ''}`, total, measure, () => pool.createXMLFrom(xml, from, flags));
}

export const volCreateFrom = objectCommand({
  name: 'vol-create-from',
  group: 'volume',
  help: 'create a vol, using another volume as input',
  desc: 'Create a vol from an existing volume.',
  object: POOL,
  options: [
    fileOpt,
    volOpt(),
    str('inputpool', "pool name or uuid of the input volume's pool"),
    preallocOpt,
    reflinkOpt,
    validateOpt,
  ],
  async run(pool, ctl, cmd) {
    const file = cmd.required('file');
    const { vol: input } = await volArg(ctl, cmd, { poolOpt: 'inputpool' });
    const xml = await readXMLFile(file);
    const vol = await orFail(() => copyWithProgress(pool, xml, input, createFlags(cmd)), `Failed to create vol from ${file}`);
    ctl.extra(`Vol ${vol.getName()} created from input vol ${input.getName()}\n`);
    return true;
  },
});

/** The source volume's XML with the new name, as libxml2 writes it back: what vol-clone asks the pool to create. */
function renamed(xml: string, name: string): string {
  const root: XmlElement = parseXml(xml);
  const nameEl = root.children.find((c): c is XmlElement => c.kind === 'element' && c.name === 'name');
  if (nameEl) nameEl.children = [{ kind: 'text', text: name }];
  return dumpElement(root);
}

export const volClone: CommandDef = {
  name: 'vol-clone',
  group: 'volume',
  help: 'clone a volume.',
  desc: 'Clone an existing volume within the parent pool.',
  options: [
    volOpt(),
    { name: 'newname', type: 'string', positional: true, required: true, help: 'clone name' },
    poolOpt('pool name or uuid', false),
    preallocOpt, reflinkOpt,
    { name: 'print-xml', type: 'bool', help: 'print XML document rather than clone the volume' },
  ],
  async run(ctl, cmd) {
    const { vol } = await volArg(ctl, cmd);
    const pool = await orFail(() => vol.storagePoolLookupByVolume(), 'failed to get parent pool');
    const xml = renamed(await vol.getXMLDesc(), cmd.required('newname'));
    if (cmd.bool('print-xml')) {
      ctl.print(xml);
      return true;
    }
    const clone = await orFail(() => copyWithProgress(pool, xml, vol, createFlags(cmd)), `Failed to clone vol from ${vol.getName()}`);
    ctl.extra(`Vol ${clone.getName()} cloned from ${vol.getName()}\n`);
    return true;
  },
};
