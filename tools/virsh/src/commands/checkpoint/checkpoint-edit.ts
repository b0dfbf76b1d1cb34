import { DomainCheckpointCreateFlags, DomainCheckpointDeleteFlags, DomainCheckpointXMLFlags } from '@tsvirt/api';
import { domainOpt, type CommandDef } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { domainArg } from '../../domain-lookup.js';
import { editXML } from '../../edit-flow.js';
import { CHECKPOINT_GROUP, checkpointNameOpt, lookupCheckpoint } from './checkpoint-common.js';

export const checkpointEdit: CommandDef = {
  name: 'checkpoint-edit',
  group: CHECKPOINT_GROUP,
  help: 'edit XML for a checkpoint',
  desc: 'Edit the domain checkpoint XML for a named checkpoint',
  options: [domainOpt(), checkpointNameOpt('checkpoint name')],
  async run(ctl, cmd) {
    const dom = await domainArg(ctl, cmd);
    const cp = await lookupCheckpoint(cmd, dom);
    const name = cp.getName();
    return editXML(ctl, {
      name,
      getXML: () => cp.getXMLDesc(DomainCheckpointXMLFlags.SECURE),
      define: (xml) => dom.checkpointCreateXML(xml, DomainCheckpointCreateFlags.REDEFINE),
      nameOf: (c) => c.getName(),
      label: (n) => `Checkpoint ${n}`,
      editedLine: (n) => (n === name ? `Checkpoint ${name} edited.` : undefined),
      // A checkpoint cannot be renamed: the copy under the new name goes again.
      async afterDefine(edited) {
        if (edited.getName() === name) return;
        try {
          await edited.delete(DomainCheckpointDeleteFlags.METADATA_ONLY);
        } catch (e) {
          ctl.report(e);
          ctl.error(`${edited.getName()} already exists`);
          throw new CommandFailed(`Failed to update ${name}`);
        }
        ctl.error(`Cannot rename checkpoint ${name} to ${edited.getName()}`);
        throw new CommandFailed(`Failed to update ${name}`);
      },
    });
  },
};
