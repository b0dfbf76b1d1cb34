import { DomainCheckpointListFlags as L, type DomainCheckpoint } from '@tsvirt/api';
import { parseCheckpointXML } from '@tsvirt/conf';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { jsonOpt, type Column, wantsJSON } from '../../vsh/report.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';
import { CHECKPOINT_GROUP, checkpointParentName, lookupCheckpoint } from './checkpoint-common.js';
import { creationTimeText } from '../snapshot/snapshot-common.js';
import { printTreeList, treeListFlags, type TreeRow } from '../shared/moment-list.js';

interface Row extends TreeRow {
  readonly creationTime: number;
}

const COLUMNS: readonly Column<Row>[] = [
  { title: 'Name', key: 'name', value: (r) => r.name },
  { title: 'Creation Time', key: 'creationTime', value: (r) => r.creationTime, text: (r) => creationTimeText(r.creationTime) },
];

async function rowOf(cp: DomainCheckpoint, withParent: boolean): Promise<Row> {
  const def = parseCheckpointXML(await cp.getXMLDesc(), { redefine: true });
  return { name: cp.getName(), parent: withParent ? await checkpointParentName(cp) : undefined, creationTime: def.creationTime ?? 0 };
}

export const checkpointList: CommandDef = {
  name: 'checkpoint-list',
  group: CHECKPOINT_GROUP,
  help: 'List checkpoints for a domain',
  desc: 'Checkpoint List',
  options: [
    domainOpt(),
    boolOpt('parent', 'add a column showing parent checkpoint'),
    boolOpt('roots', 'list only checkpoints without parents'),
    boolOpt('leaves', 'list only checkpoints without children'),
    boolOpt('no-leaves', 'list only checkpoints that are not leaves (with children)'),
    boolOpt('tree', 'list checkpoints in a tree'),
    { name: 'from', type: 'string', help: 'limit list to children of given checkpoint' },
    boolOpt('descendants', 'with --from, list all descendants'),
    boolOpt('name', 'list checkpoint names only'),
    boolOpt('topological', 'sort list topologically rather than by name'),
    jsonOpt,
  ],
  async run(ctl, cmd) {
    let flags = treeListFlags(cmd, L);
    const tree = cmd.bool('tree');
    if (cmd.bool('descendants')) {
      if (!cmd.has('from')) throw new VshError('--descendants requires --from');
      flags |= L.DESCENDANTS;
    }
    const dom = await domainArg(ctl, cmd);
    const start = cmd.has('from') ? await lookupCheckpoint(cmd, dom, 'from') : undefined;
    const withParent = tree || cmd.bool('parent') || wantsJSON(ctl, cmd);

    const cps = start ? await start.listAllChildren(flags) : await dom.listAllCheckpoints(flags);
    if (start && tree) cps.unshift(start);
    const rows = await Promise.all(cps.map((c) => rowOf(c, withParent)));
    printTreeList(ctl, cmd, rows, start !== undefined && tree, (flags & L.TOPOLOGICAL) !== 0, COLUMNS);
    return true;
  },
};
