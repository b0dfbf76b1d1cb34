import { DomainSnapshotListFlags as L, type DomainSnapshot } from '@tsvirt/api';
import type { CommandDef } from '../../vsh/command-def.js';
import { domainOpt } from '../../vsh/command-def.js';
import { VshError } from '../../vsh/vsh-error.js';
import { jsonOpt, type Column, wantsJSON } from '../../vsh/report.js';
import { domainArg } from '../../domain-lookup.js';
import { boolOpt } from '../shared/modify-impact.js';
import { printTreeList, treeListFlags, type TreeRow } from '../shared/moment-list.js';
import { SNAPSHOT_GROUP, creationTimeText, lookupSnapshot, parentName, snapshotFacts } from './snapshot-common.js';

/** Filters that are plain list flags, in virsh's option order. */
const FILTERS: ReadonlyArray<[string, number, string]> = [
  ['metadata', L.METADATA, 'list only snapshots that have metadata that would prevent undefine'],
  ['no-metadata', L.NO_METADATA, 'list only snapshots that have no metadata managed by libvirt'],
  ['inactive', L.INACTIVE, 'filter by snapshots taken while inactive'],
  ['active', L.ACTIVE, 'filter by snapshots taken while active (full system snapshots)'],
  ['disk-only', L.DISK_ONLY, 'filter by disk-only snapshots'],
  ['internal', L.INTERNAL, 'filter by internal snapshots'],
  ['external', L.EXTERNAL, 'filter by external snapshots'],
];

interface Row extends TreeRow {
  readonly creationTime: number;
  readonly state: string;
}

const COLUMNS: readonly Column<Row>[] = [
  { title: 'Name', key: 'name', value: (r) => r.name },
  { title: 'Creation Time', key: 'creationTime', value: (r) => r.creationTime, text: (r) => creationTimeText(r.creationTime) },
  { title: 'State', key: 'state', value: (r) => r.state },
];

async function rowOf(snap: DomainSnapshot, withParent: boolean): Promise<Row> {
  const def = await snapshotFacts(snap);
  return {
    name: snap.getName(),
    parent: withParent ? await parentName(snap) : undefined,
    creationTime: def.creationTime ?? 0,
    state: def.state ?? '',
  };
}

export const snapshotList: CommandDef = {
  name: 'snapshot-list',
  group: SNAPSHOT_GROUP,
  help: 'List snapshots for a domain',
  desc: 'Snapshot List',
  options: [
    domainOpt(),
    boolOpt('parent', 'add a column showing parent snapshot'),
    boolOpt('roots', 'list only snapshots without parents'),
    boolOpt('leaves', 'list only snapshots without children'),
    boolOpt('no-leaves', 'list only snapshots that are not leaves (with children)'),
    ...FILTERS.map(([n, , h]) => boolOpt(n, h)),
    boolOpt('tree', 'list snapshots in a tree'),
    { name: 'from', type: 'string', help: 'limit list to children of given snapshot' },
    boolOpt('current', 'limit list to children of current snapshot'),
    boolOpt('descendants', 'with --from, list all descendants'),
    boolOpt('name', 'list snapshot names only'),
    boolOpt('topological', 'sort list topologically rather than by name'),
    jsonOpt,
  ],
  async run(ctl, cmd) {
    let flags = treeListFlags(cmd, L, [['roots', 'current']]);
    const tree = cmd.bool('tree');
    for (const [opt, bit] of FILTERS) if (cmd.bool(opt)) flags |= bit;
    const fromGiven = cmd.has('from') || cmd.bool('current');
    if (cmd.bool('descendants')) {
      if (!fromGiven) throw new VshError('--descendants requires either --from or --current');
      flags |= L.DESCENDANTS;
    }
    const dom = await domainArg(ctl, cmd);
    const start = fromGiven ? await lookupSnapshot(cmd, dom, 'from') : undefined;
    const withParent = tree || cmd.bool('parent') || wantsJSON(ctl, cmd);

    let snaps: DomainSnapshot[];
    if (start) {
      snaps = await start.listAllChildren(tree ? flags | L.DESCENDANTS : flags);
      if (tree) snaps.unshift(start);
    } else {
      snaps = await dom.listAllSnapshots(flags);
    }
    const rows = await Promise.all(snaps.map((s) => rowOf(s, withParent)));
    printTreeList(ctl, cmd, rows, start !== undefined && tree, (flags & L.TOPOLOGICAL) !== 0, COLUMNS);
    return true;
  },
};
