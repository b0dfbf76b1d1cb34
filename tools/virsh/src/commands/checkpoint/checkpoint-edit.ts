import { DomainCheckpointCreateFlags, DomainCheckpointDeleteFlags, DomainCheckpointXMLFlags } from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import { DOMAIN } from '../../domain-lookup.js';
import { editXML } from '../../edit-flow.js';
import { CHECKPOINT_GROUP, checkpointNameOpt, lookupCheckpoint } from './checkpoint-common.js';
import { objectCommand } from '../shared/object-command.js';

export const checkpointEdit = objectCommand({
  name: 'checkpoint-edit',
  group: CHECKPOINT_GROUP,
  help: 'edit XML for a checkpoint',
  desc: 'Edit the domain checkpoint XML for a named checkpoint',
  object: DOMAIN,
  options: [checkpointNameOpt('checkpoint name')],
  async run(dom, ctl, cmd) {
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
});
