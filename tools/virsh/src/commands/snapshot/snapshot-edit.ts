import { DomainSnapshotCreateFlags, DomainSnapshotDeleteFlags, DomainSnapshotXMLFlags, type DomainSnapshot } from '@tsvirt/api';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { DOMAIN } from '../../domain-lookup.js';
import { editXML } from '../../edit-flow.js';
import { SNAPSHOT_GROUP, currentOpt, snapshotNameOpt } from './snapshot-common.js';
import { objectCommand } from '../shared/object-command.js';

const bool = (name: string, help: string): { name: string; type: 'bool'; help: string } => ({ name, type: 'bool', help });

export const snapshotEdit = objectCommand({
  name: 'snapshot-edit',
  group: SNAPSHOT_GROUP,
  help: 'edit XML for a snapshot',
  desc: 'Edit the domain snapshot XML for a named snapshot',
  object: DOMAIN,
  check(cmd) {
    cmd.exclusive('rename', 'clone');
  },
  options: [
    snapshotNameOpt('snapshot name'),
    currentOpt('also set edited snapshot as current'),
    bool('rename', 'allow renaming an existing snapshot'),
    bool('clone', 'allow cloning to new name'),
  ],
  async run(dom, ctl, cmd) {
    const given = cmd.string('snapshotname');
    // Unlike the other snapshot commands, a name and --current go together: --current then marks the edit current.
    let snap: DomainSnapshot;
    if (given !== undefined) snap = await dom.snapshotLookupByName(given);
    else if (cmd.bool('current')) snap = await dom.snapshotCurrent();
    else throw new VshError('--snapshotname or --current is required');
    const name = snap.getName();
    const flags = DomainSnapshotCreateFlags.REDEFINE | (given !== undefined && cmd.bool('current') ? DomainSnapshotCreateFlags.CURRENT : 0);
    const failed = (): CommandFailed => new CommandFailed(`Failed to update ${name}`);
    return editXML(ctl, {
      name,
      getXML: () => snap.getXMLDesc(DomainSnapshotXMLFlags.SECURE),
      define: (xml) => dom.snapshotCreateXML(xml, flags | (xml.includes('<state>disk-snapshot</state>') ? DomainSnapshotCreateFlags.DISK_ONLY : 0)),
      nameOf: (s) => s.getName(),
      label: (n) => `Snapshot ${n}`,
      editedLine: (n) => (n === name ? `Snapshot ${name} edited.` : cmd.bool('clone') ? `Snapshot ${name} cloned to ${n}.` : undefined),
      // A new name without --clone leaves one of the two behind: the old one on --rename, else the new one, and without --rename that is an error.
      async afterDefine(edited) {
        if (edited.getName() === name || cmd.bool('clone')) return;
        const rename = cmd.bool('rename');
        try {
          await (rename ? snap : edited).delete(DomainSnapshotDeleteFlags.METADATA_ONLY);
        } catch (e) {
          ctl.report(e);
          ctl.error(`Failed to clean up ${rename ? name : edited.getName()}`);
          throw failed();
        }
        if (!rename) {
          ctl.error(`Must use --rename or --clone to change ${name} to ${edited.getName()}`);
          throw failed();
        }
      },
    });
  },
});
