import { DomainCheckpointDeleteFlags as Del, DomainCheckpointListFlags as L, DomainCheckpointXMLFlags as X } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { jsonOpt, printFields } from '../../vsh/report.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { boolOpt } from '../shared/modify-impact.js';
import { CHECKPOINT_GROUP, checkpointNameOpt, checkpointParentName, lookupCheckpoint } from './checkpoint-common.js';
import { objectCommand } from '../shared/object-command.js';

export const checkpointInfo = objectCommand({
  name: 'checkpoint-info',
  group: CHECKPOINT_GROUP,
  help: 'checkpoint information',
  desc: 'Returns basic information about a checkpoint.',
  object: DOMAIN,
  options: [checkpointNameOpt('checkpoint name'), jsonOpt],
  async run(dom, ctl, cmd) {
    const cp = await lookupCheckpoint(cmd, dom);
    const parent = await checkpointParentName(cp);
    printFields(ctl, cmd, [
      { label: 'Name:', key: 'name', value: cp.getName() },
      { label: 'Domain:', key: 'domain', value: dom.getName() },
      { label: 'Parent:', key: 'parent', value: parent ?? null, text: parent ?? '-' },
      { label: 'Children:', key: 'children', value: (await cp.listAllChildren()).length },
      { label: 'Descendants:', key: 'descendants', value: (await cp.listAllChildren(L.DESCENDANTS)).length },
    ], 15);
    return true;
  },
});

export const checkpointDumpxml: CommandDef = {
  name: 'checkpoint-dumpxml',
  group: CHECKPOINT_GROUP,
  help: 'Dump XML for a domain checkpoint',
  desc: 'Checkpoint Dump XML',
  options: [
    domainOpt(),
    checkpointNameOpt('checkpoint name'),
    boolOpt('security-info', 'include security sensitive information in XML dump'),
    boolOpt('no-domain', 'exclude <domain> from XML'),
    boolOpt('size', 'include backup size estimate in XML dump'),
    ...XPATH_OPTS,
  ],
  async run(ctl, cmd) {
    const flags = (cmd.bool('security-info') ? X.SECURE : 0) | (cmd.bool('no-domain') ? X.NO_DOMAIN : 0) | (cmd.bool('size') ? X.SIZE : 0);
    const dom = await domainArg(ctl, cmd);
    const cp = await lookupCheckpoint(cmd, dom);
    await printXML(ctl, cmd, await cp.getXMLDesc(flags));
    return true;
  },
};

export const checkpointParent = objectCommand({
  name: 'checkpoint-parent',
  group: CHECKPOINT_GROUP,
  help: 'Get the name of the parent of a checkpoint',
  desc: "Extract the checkpoint's parent, if any",
  object: DOMAIN,
  options: [checkpointNameOpt('find parent of checkpoint name')],
  async run(dom, ctl, cmd) {
    const cp = await lookupCheckpoint(cmd, dom);
    const parent = await checkpointParentName(cp);
    if (parent === undefined) throw new VshError(`checkpoint '${cp.getName()}' has no parent`);
    ctl.print(parent);
    return true;
  },
});

export const checkpointDelete = objectCommand({
  name: 'checkpoint-delete',
  group: CHECKPOINT_GROUP,
  help: 'Delete a domain checkpoint',
  desc: 'Checkpoint Delete',
  object: DOMAIN,
  options: [
    checkpointNameOpt('checkpoint name'),
    boolOpt('children', 'delete checkpoint and all children'),
    boolOpt('children-only', 'delete children but not checkpoint'),
    boolOpt('metadata', 'delete only libvirt metadata, leaving checkpoint contents behind'),
  ],
  async run(dom, ctl, cmd) {
    const cp = await lookupCheckpoint(cmd, dom);
    const flags = (cmd.bool('children') ? Del.CHILDREN : 0) | (cmd.bool('children-only') ? Del.CHILDREN_ONLY : 0) |
      (cmd.bool('metadata') ? Del.METADATA_ONLY : 0);
    try {
      await cp.delete(flags);
    } catch (e) {
      throw new CommandFailed(`Failed to delete checkpoint ${cp.getName()}`, e);
    }
    ctl.extra(`Domain checkpoint ${cp.getName()}${flags & Del.CHILDREN_ONLY ? ' children' : ''} deleted\n`);
    return true;
  },
});
