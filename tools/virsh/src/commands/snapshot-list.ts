import { DomainSnapshotListFlags as L, type DomainSnapshot } from '@tsvirt/api';
import type { CommandDef } from '../vsh/command-def.js';
import { domainOpt } from '../vsh/command-def.js';
import type { Ctl } from '../vsh/ctl.js';
import { VshError } from '../vsh/vsh-error.js';
import { jsonOpt, printTable, type Column } from '../vsh/report.js';
import { domainArg } from '../domain-lookup.js';
import { boolOpt } from './modify-impact.js';
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

interface Row {
  readonly name: string;
  /** Undefined for a root, and for the snapshot a --tree listing starts from. */
  readonly parent: string | undefined;
  readonly creationTime: number;
  readonly state: string;
}

const COLUMNS: readonly Column<Row>[] = [
  { title: 'Name', key: 'name', value: (r) => r.name },
  { title: 'Creation Time', key: 'creationTime', value: (r) => r.creationTime, text: (r) => creationTimeText(r.creationTime) },
  { title: 'State', key: 'state', value: (r) => r.state },
];
const PARENT: Column<Row> = { title: 'Parent', key: 'parent', value: (r) => r.parent ?? null, text: (r) => r.parent ?? '' };

/** virsh's sort of snapshot names (virshSnapSorter): case-insensitive. */
const byName = (a: Row, b: Row): number => {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
};

/**
 * vshTreePrint: each snapshot under its parent with `+- `, a `|` line before the first child,
 * and a line of the indentation alone after the last leaf of a branch.
 */
function printTree(ctl: Ctl, rows: readonly Row[], row: Row, indent: string, last: boolean, root: boolean): void {
  ctl.print(`${indent}${root ? '' : '+- '}${row.name}\n`);
  const mine = root ? indent : `${indent}${last ? ' ' : '|'} `;
  const children = rows.filter((r) => r.parent === row.name);
  if (children.length > 0) ctl.print(`${mine}  |\n`);
  children.forEach((c, i) => printTree(ctl, rows, c, `${mine}  `, i === children.length - 1, false));
  if (children.length === 0 && last) ctl.print(`${mine}\n`);
}

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
    cmd.exclusive('tree', 'name');
    cmd.exclusive('parent', 'roots');
    cmd.exclusive('parent', 'tree');
    cmd.exclusive('roots', 'tree');
    cmd.exclusive('roots', 'from');
    cmd.exclusive('roots', 'current');
    const tree = cmd.bool('tree');
    let flags = 0;
    for (const [opt, bit] of [['leaves', L.LEAVES], ['no-leaves', L.NO_LEAVES]] as const) {
      if (!cmd.bool(opt)) continue;
      if (tree) throw new VshError(`--${opt} and --tree are mutually exclusive`);
      flags |= bit;
    }
    if (cmd.bool('topological')) flags |= L.TOPOLOGICAL;
    for (const [opt, bit] of FILTERS) if (cmd.bool(opt)) flags |= bit;
    const fromGiven = cmd.has('from') || cmd.bool('current');
    if (cmd.bool('roots')) flags |= L.ROOTS;
    if (cmd.bool('descendants')) {
      if (!fromGiven) throw new VshError('--descendants requires either --from or --current');
      flags |= L.DESCENDANTS;
    }
    const dom = await domainArg(ctl, cmd);
    const start = fromGiven ? await lookupSnapshot(cmd, dom, 'from') : undefined;
    const withParent = tree || cmd.bool('parent') || cmd.bool('json');

    let snaps: DomainSnapshot[];
    if (start) {
      snaps = await start.listAllChildren(tree ? flags | L.DESCENDANTS : flags);
      if (tree) snaps.unshift(start);
    } else {
      snaps = await dom.listAllSnapshots(flags);
    }
    const rows = await Promise.all(snaps.map((s) => rowOf(s, withParent)));
    // The snapshot a tree starts from is its root.
    if (start && tree) rows[0] = { ...rows[0]!, parent: undefined };
    if (!(flags & L.TOPOLOGICAL)) rows.sort(byName);

    if (tree && !cmd.bool('json')) {
      for (const r of rows) if (r.parent === undefined) printTree(ctl, rows, r, '', true, true);
      return true;
    }
    if (cmd.bool('name') && !cmd.bool('json')) {
      ctl.print(rows.map((r) => `${r.name}\n`).join(''));
      return true;
    }
    printTable(ctl, cmd, cmd.bool('parent') || cmd.bool('json') ? [...COLUMNS, PARENT] : COLUMNS, rows);
    return true;
  },
};
