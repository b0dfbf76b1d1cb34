import { DomainCheckpointCreateFlags as C, type Domain } from '@tsvirt/api';
import { escapeXml } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import type { Ctl } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { readXMLFile } from '../domain/domain-xml.js';
import { boolOpt, requireOpt } from '../shared/modify-impact.js';
import { CHECKPOINT_GROUP } from './checkpoint-common.js';
import { specFields, splitSpec } from '../snapshot/snapshot-create.js';
import { objectCommand } from '../shared/object-command.js';

const quiesceOpt = boolOpt('quiesce', "quiesce guest's file systems");

/** virshCheckpointCreate: creates it and says so, naming the file it came from if any. */
async function createAndReport(ctl: Ctl, dom: Domain, xml: string, flags: number, from?: string): Promise<boolean> {
  const cp = await dom.checkpointCreateXML(xml, flags);
  ctl.extra(from === undefined ? `Domain checkpoint ${cp.getName()} created` : `Domain checkpoint ${cp.getName()} created from '${from}'`);
  return true;
}

export const checkpointCreate: CommandDef = {
  name: 'checkpoint-create',
  group: CHECKPOINT_GROUP,
  help: 'Create a checkpoint from XML',
  desc: 'Create a checkpoint from XML for use in future incremental backups',
  options: [
    domainOpt(),
    { name: 'xmlfile', type: 'string', help: 'domain checkpoint XML' },
    boolOpt('redefine', 'redefine metadata for existing checkpoint'),
    boolOpt('redefine-validate', 'validate the redefined checkpoint'),
    quiesceOpt,
  ],
  async run(ctl, cmd) {
    requireOpt(cmd, 'redefine-validate', 'redefine');
    const flags = (cmd.bool('redefine') ? C.REDEFINE : 0) | (cmd.bool('redefine-validate') ? C.REDEFINE_VALIDATE : 0) |
      (cmd.bool('quiesce') ? C.QUIESCE : 0);
    const dom = await domainArg(ctl, cmd);
    const from = cmd.string('xmlfile');
    const xml = from === undefined ? '<domaincheckpoint/>' : await readXMLFile(from);
    return createAndReport(ctl, dom, xml, flags, from);
  },
};

function diskspecXML(spec: string): string {
  const [name = '', ...rest] = splitSpec(spec);
  const found = specFields(rest, ['checkpoint', 'bitmap']);
  if (!found) throw new VshError(`unable to parse diskspec: ${spec}`);
  const checkpoint = found.get('checkpoint');
  const bitmap = found.get('bitmap');
  return `    <disk name='${escapeXml(name)}'${checkpoint !== undefined ? ` checkpoint='${escapeXml(checkpoint)}'` : ''}` +
    `${bitmap !== undefined ? ` bitmap='${escapeXml(bitmap)}'` : ''}/>\n`;
}

export const checkpointCreateAs = objectCommand({
  name: 'checkpoint-create-as',
  group: CHECKPOINT_GROUP,
  help: 'Create a checkpoint from a set of args',
  desc: 'Create a checkpoint from arguments for use in future incremental backups',
  object: DOMAIN,
  options: [
    { name: 'name', type: 'string', help: 'name of checkpoint' },
    { name: 'description', type: 'string', help: 'description of checkpoint' },
    boolOpt('print-xml', 'print XML document rather than create'),
    quiesceOpt,
    { name: 'diskspec', type: 'argv', help: 'disk attributes: disk[,checkpoint=type][,bitmap=name]' },
  ],
  async run(dom, ctl, cmd) {
    const name = cmd.string('name');
    const description = cmd.string('description');
    let xml = '<domaincheckpoint>\n';
    if (name !== undefined) xml += `  <name>${escapeXml(name)}</name>\n`;
    if (description !== undefined) xml += `  <description>${escapeXml(description)}</description>\n`;
    const disks = cmd.argv('diskspec');
    if (disks.length > 0) xml += `  <disks>\n${disks.map(diskspecXML).join('')}  </disks>\n`;
    xml += '</domaincheckpoint>\n';
    if (cmd.bool('print-xml')) {
      ctl.print(`${xml}\n`);
      return true;
    }
    return createAndReport(ctl, dom, xml, cmd.bool('quiesce') ? C.QUIESCE : 0);
  },
});
