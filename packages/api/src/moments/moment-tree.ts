import { devicesOf, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, VirError, type ErrorDomain } from '@tsvirt/util';

/** A snapshot or checkpoint as the trees below need it: a name and its parent's. */
export interface Moment {
  name: string;
  parent?: string;
}

/** A domain's moments (snapshots or checkpoints) in creation order and the current one's name (libvirt's moment object list). */
export interface MomentTree<T extends Moment> {
  readonly snaps: T[];
  current: string | undefined;
}

export function childrenOf<T extends Moment>(tree: MomentTree<T>, name: string | undefined): T[] {
  return tree.snaps.filter((s) => s.parent === name);
}

export function descendantsOf<T extends Moment>(tree: MomentTree<T>, name: string): T[] {
  return childrenOf(tree, name).flatMap((c) => [c, ...descendantsOf(tree, c.name)]);
}

/**
 * A redefined moment's parent (libvirt's virDomainMomentValidateRedefine): it must exist, and
 * the tree must stay acyclic. Errors are raised in `d`, the snapshot or checkpoint domain.
 */
export function checkRedefinedParent<T extends Moment>(tree: MomentTree<T>, def: Moment, d: ErrorDomain): void {
  if (def.parent === undefined) return;
  if (!tree.snaps.some((s) => s.name === def.parent)) {
    throw new VirError(ErrorCode.INVALID_ARG, `parent ${def.parent} for moment ${def.name} not found`, d);
  }
  if (def.parent === def.name || descendantsOf(tree, def.name).some((s) => s.name === def.parent)) {
    throw new VirError(ErrorCode.INVALID_ARG, `parent ${def.parent} would create cycle to ${def.name}`, d);
  }
}

/**
 * Parents before children: a depth-first walk from the roots, newest child first, as libvirt's
 * moment list links them.
 */
export function topological<T extends Moment>(tree: MomentTree<T>, from: string | undefined): T[] {
  return childrenOf(tree, from).reverse().flatMap((c) => [c, ...topological(tree, c.name)]);
}

/**
 * Removes a moment (its children move up to its parent), its descendants too with `children`, or
 * only them with `childrenOnly`. The current moment moves to the nearest surviving ancestor.
 */
export function deleteMoment<T extends Moment>(tree: MomentTree<T>, moment: T, children: boolean, childrenOnly: boolean): void {
  const doomed = new Set<T>();
  if (children || childrenOnly) {
    for (const d of descendantsOf(tree, moment.name)) doomed.add(d);
    if (tree.current !== undefined && [...doomed].some((d) => d.name === tree.current)) tree.current = moment.name;
  } else {
    for (const c of childrenOf(tree, moment.name)) {
      if (moment.parent === undefined) delete c.parent;
      else c.parent = moment.parent;
    }
  }
  if (!childrenOnly) {
    doomed.add(moment);
    if (tree.current === moment.name) tree.current = moment.parent;
  }
  const kept = tree.snaps.filter((s) => !doomed.has(s));
  tree.snaps.splice(0, tree.snaps.length, ...kept);
}

/** The target of each disk of a domain ('' for one without): what snapshots and checkpoints name disks by. */
export const diskTargets = (dom: DomainDef): string[] => devicesOf(dom, 'disk').map((d) => d.target?.dev ?? '');
