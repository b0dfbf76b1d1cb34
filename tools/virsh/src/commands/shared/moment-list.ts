import type { Ctl } from '../../vsh/ctl.js';
import { strcasecmp } from '../../vsh/strcasecmp.js';
import type { ParsedCommand } from '../../vsh/parsed-command.js';
import { VshError } from '../../vsh/vsh-error.js';
import { printTable, type Column, wantsJSON } from '../../vsh/report.js';

/** The list flags snapshot-list and checkpoint-list both set (their bit values differ). */
export interface TreeListBits {
  readonly LEAVES: number;
  readonly NO_LEAVES: number;
  readonly TOPOLOGICAL: number;
  readonly ROOTS: number;
}

/** A row of a snapshot or checkpoint listing as the tree and the sort need it. */
export interface TreeRow {
  readonly name: string;
  /** Undefined for a root, and for the one a --tree listing starts from. */
  readonly parent: string | undefined;
}

/** virsh's sort of snapshot and checkpoint names (virshSnapSorter, virshChkSorter): case-insensitive. */
export const byName = (a: TreeRow, b: TreeRow): number => strcasecmp(a.name, b.name);

/**
 * vshTreePrint: each snapshot or checkpoint under its parent with `+- `, a `|` line before the first child,
 * and a line of the indentation alone after the last leaf of a branch.
 */
export function printTree(ctl: Ctl, rows: readonly TreeRow[], row: TreeRow, indent: string, last: boolean, root: boolean): void {
  ctl.print(`${indent}${root ? '' : '+- '}${row.name}\n`);
  const mine = root ? indent : `${indent}${last ? ' ' : '|'} `;
  const children = rows.filter((r) => r.parent === row.name);
  if (children.length > 0) ctl.print(`${mine}  |\n`);
  children.forEach((c, i) => printTree(ctl, rows, c, `${mine}  `, i === children.length - 1, false));
  if (children.length === 0 && last) ctl.print(`${mine}\n`);
}

/** The Parent column of a listing: empty for a root. */
export function parentColumn<R extends TreeRow>(): Column<R> {
  return { title: 'Parent', key: 'parent', value: (r) => r.parent ?? null, text: (r) => r.parent ?? '' };
}

/**
 * The option checks both listings share, in virsh's order (then `extra` pairs that may not go
 * together), and the flags of --leaves, --no-leaves, --topological and --roots.
 */
export function treeListFlags(cmd: ParsedCommand, bits: TreeListBits, extra: ReadonlyArray<[string, string]> = []): number {
  cmd.exclusive('tree', 'name');
  cmd.exclusive('parent', 'roots');
  cmd.exclusive('parent', 'tree');
  cmd.exclusive('roots', 'tree');
  cmd.exclusive('roots', 'from');
  for (const [a, b] of extra) cmd.exclusive(a, b);
  let flags = 0;
  for (const [opt, bit] of [['leaves', bits.LEAVES], ['no-leaves', bits.NO_LEAVES]] as const) {
    if (!cmd.bool(opt)) continue;
    if (cmd.bool('tree')) throw new VshError(`--${opt} and --tree are mutually exclusive`);
    flags |= bit;
  }
  if (cmd.bool('topological')) flags |= bits.TOPOLOGICAL;
  if (cmd.bool('roots')) flags |= bits.ROOTS;
  return flags;
}

/**
 * Prints a listing as --tree, --name or a table (with the Parent column on --parent and --json).
 * `startIsRoot`: the first row is the one a --from tree starts from, shown as its root.
 */
export function printTreeList<R extends TreeRow>(
  ctl: Ctl, cmd: ParsedCommand, rows: R[], startIsRoot: boolean, topological: boolean, columns: readonly Column<R>[],
): void {
  if (startIsRoot) rows[0] = { ...rows[0]!, parent: undefined };
  if (!topological) rows.sort(byName);
  if (cmd.bool('tree') && !wantsJSON(ctl, cmd)) {
    for (const r of rows) if (r.parent === undefined) printTree(ctl, rows, r, '', true, true);
    return;
  }
  if (cmd.bool('name') && !wantsJSON(ctl, cmd)) {
    ctl.print(rows.map((r) => `${r.name}\n`).join(''));
    return;
  }
  printTable(ctl, cmd, cmd.bool('parent') || wantsJSON(ctl, cmd) ? [...columns, parentColumn<R>()] : columns, rows);
}
