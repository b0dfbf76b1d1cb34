import { DomainSnapshotCreateFlags as C, DomainSnapshotDeleteFlags as Del, DomainSnapshotListFlags as L, DomainSnapshotRevertFlags as R,
  DomainSnapshotXMLFlags, ErrorCode, VirError } from '@tsvirt/api';
import { attr } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { CommandFailed } from '../../vsh/ctl.js';
import { VshError } from '../../vsh/vsh-error.js';
import { jsonOpt, printFields } from '../../vsh/report.js';
import { domainArg, DOMAIN } from '../../domain-lookup.js';
import { XPATH_OPTS, printXML } from '../../xml-dump.js';
import { boolOpt } from '../shared/modify-impact.js';
import { SNAPSHOT_GROUP, currentOpt, lookupSnapshot, parentName, snapshotFacts, snapshotNameOpt } from './snapshot-common.js';
import { objectCommand } from '../shared/object-command.js';

const securityOpt = boolOpt('security-info', 'include security sensitive information in XML dump');

export const snapshotCurrent = objectCommand({
  name: 'snapshot-current',
  group: SNAPSHOT_GROUP,
  help: 'Get or set the current snapshot',
  desc: 'Get or set the current snapshot',
  object: DOMAIN,
  check(cmd) {
    cmd.exclusive('name', 'snapshotname');
  },
  options: [
    boolOpt('name', 'list the name, rather than the full xml'),
    securityOpt,
    { name: 'snapshotname', type: 'string', help: 'name of existing snapshot to make current' },
  ],
  async run(dom, ctl, cmd) {
    const name = cmd.string('snapshotname');
    if (name !== undefined) {
      // virsh makes a snapshot current by redefining it from its own XML.
      const xml = await (await dom.snapshotLookupByName(name)).getXMLDesc(DomainSnapshotXMLFlags.SECURE);
      await dom.snapshotCreateXML(xml, C.REDEFINE | C.CURRENT);
      ctl.extra(`Snapshot ${name} set as current`);
      return true;
    }
    if (!(await dom.hasCurrentSnapshot())) throw new VshError(`domain '${dom.getName()}' has no current snapshot`);
    const snap = await dom.snapshotCurrent();
    if (cmd.bool('name')) ctl.print(snap.getName());
    else ctl.print(await snap.getXMLDesc(cmd.bool('security-info') ? DomainSnapshotXMLFlags.SECURE : 0));
    return true;
  },
});

export const snapshotInfo = objectCommand({
  name: 'snapshot-info',
  group: SNAPSHOT_GROUP,
  help: 'snapshot information',
  desc: 'Returns basic information about a snapshot.',
  object: DOMAIN,
  options: [snapshotNameOpt('snapshot name'), currentOpt('info on current snapshot'), jsonOpt],
  async run(dom, ctl, cmd) {
    const snap = await lookupSnapshot(cmd, dom);
    const current = await snap.isCurrent();
    const def = await snapshotFacts(snap);
    const external = def.memory?.snapshot === 'external' || (def.disks ?? []).some((d) => attr(d, 'snapshot') === 'external');
    const parent = def.parent;
    const yesNo = (v: boolean): string => (v ? 'yes' : 'no');
    const metadata = await snap.hasMetadata();
    printFields(ctl, cmd, [
      { label: 'Name:', key: 'name', value: snap.getName() },
      { label: 'Domain:', key: 'domain', value: dom.getName() },
      { label: 'Current:', key: 'current', value: current, text: yesNo(current) },
      { label: 'State:', key: 'state', value: def.state ?? '' },
      { label: 'Location:', key: 'location', value: external ? 'external' : 'internal' },
      { label: 'Parent:', key: 'parent', value: parent ?? null, text: parent ?? '-' },
      { label: 'Children:', key: 'children', value: await snap.numChildren() },
      { label: 'Descendants:', key: 'descendants', value: await snap.numChildren(L.DESCENDANTS) },
      { label: 'Metadata:', key: 'metadata', value: metadata, text: yesNo(metadata) },
    ], 15);
    return true;
  },
});

export const snapshotDumpxml = objectCommand({
  name: 'snapshot-dumpxml',
  group: SNAPSHOT_GROUP,
  help: 'Dump XML for a domain snapshot',
  desc: 'Snapshot Dump XML',
  object: DOMAIN,
  options: [snapshotNameOpt('snapshot name', true), securityOpt, ...XPATH_OPTS],
  async run(dom, ctl, cmd) {
    const snap = await dom.snapshotLookupByName(cmd.required('snapshotname'));
    await printXML(ctl, cmd, await snap.getXMLDesc(cmd.bool('security-info') ? DomainSnapshotXMLFlags.SECURE : 0));
    return true;
  },
});

export const snapshotParent = objectCommand({
  name: 'snapshot-parent',
  group: SNAPSHOT_GROUP,
  help: 'Get the name of the parent of a snapshot',
  desc: "Extract the snapshot's parent, if any",
  object: DOMAIN,
  options: [snapshotNameOpt('find parent of snapshot name'), currentOpt('find parent of current snapshot')],
  async run(dom, ctl, cmd) {
    const snap = await lookupSnapshot(cmd, dom);
    const parent = await parentName(snap);
    if (parent === undefined) throw new VshError(`snapshot '${snap.getName()}' has no parent`);
    ctl.print(parent);
    return true;
  },
});

export const snapshotRevert: CommandDef = {
  name: 'snapshot-revert',
  group: SNAPSHOT_GROUP,
  help: 'Revert a domain to a snapshot',
  desc: 'Revert domain to snapshot',
  options: [
    domainOpt(),
    snapshotNameOpt('snapshot name'),
    currentOpt('revert to current snapshot'),
    boolOpt('running', 'after reverting, change state to running'),
    boolOpt('paused', 'after reverting, change state to paused'),
    boolOpt('force', 'try harder on risky reverts'),
    boolOpt('reset-nvram', 're-initialize NVRAM from its pristine template'),
  ],
  async run(ctl, cmd) {
    let flags = (cmd.bool('running') ? R.RUNNING : 0) | (cmd.bool('paused') ? R.PAUSED : 0) | (cmd.bool('reset-nvram') ? R.RESET_NVRAM : 0);
    const dom = await domainArg(ctl, cmd);
    const snap = await lookupSnapshot(cmd, dom);
    try {
      try {
        await snap.revert(flags);
      } catch (e) {
        // virsh asks for FORCE only once the plain revert proved risky.
        if (!(cmd.bool('force') && e instanceof VirError && e.code === ErrorCode.SNAPSHOT_REVERT_RISKY)) throw e;
        flags |= R.FORCE;
        await snap.revert(flags);
      }
    } catch (e) {
      throw new CommandFailed(`Failed to revert snapshot ${snap.getName()}`, e);
    }
    ctl.extra(`Domain snapshot ${snap.getName()} reverted\n`);
    return true;
  },
};

export const snapshotDelete = objectCommand({
  name: 'snapshot-delete',
  group: SNAPSHOT_GROUP,
  help: 'Delete a domain snapshot',
  desc: 'Snapshot Delete',
  object: DOMAIN,
  options: [
    snapshotNameOpt('snapshot name'),
    currentOpt('delete current snapshot'),
    boolOpt('children', 'delete snapshot and all children'),
    boolOpt('children-only', 'delete children but not snapshot'),
    boolOpt('metadata', 'delete only libvirt metadata, leaving snapshot contents behind'),
  ],
  async run(dom, ctl, cmd) {
    const snap = await lookupSnapshot(cmd, dom);
    const flags = (cmd.bool('children') ? Del.CHILDREN : 0) | (cmd.bool('children-only') ? Del.CHILDREN_ONLY : 0) |
      (cmd.bool('metadata') ? Del.METADATA_ONLY : 0);
    try {
      await snap.delete(flags);
    } catch (e) {
      throw new CommandFailed(`Failed to delete snapshot ${snap.getName()}`, e);
    }
    ctl.extra(`Domain snapshot ${snap.getName()}${flags & Del.CHILDREN_ONLY ? ' children' : ''} deleted\n`);
    return true;
  },
});
