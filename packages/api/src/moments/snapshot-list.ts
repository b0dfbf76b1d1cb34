import { snapshotDisks, type DomainSnapshotDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { DomainSnapshotListFlags as L } from '../domain-state-flags.js';
import { checkRedefinedParent, childrenOf, descendantsOf, topological, type MomentTree } from './moment-tree.js';

/** A snapshot a driver keeps: its definition, whose name is always set. */
export type Snapshot = DomainSnapshotDef & { name: string };

/** A domain's snapshots in creation order and the name of the current one (libvirt's snapshot object list). */
export type SnapshotTree = MomentTree<Snapshot>;

/** The flags virDomainListAllSnapshots and virDomainSnapshotListAllChildren accept. */
export const SNAPSHOT_LIST_FLAGS = L.ROOTS | L.METADATA | L.LEAVES | L.NO_LEAVES | L.NO_METADATA | L.INACTIVE | L.ACTIVE | L.DISK_ONLY |
  L.INTERNAL | L.EXTERNAL | L.TOPOLOGICAL;

/** Whether a snapshot keeps memory or a disk outside the disk images (libvirt's virDomainSnapshotIsExternal). */
export function isExternalSnapshot(s: DomainSnapshotDef): boolean {
  return s.memory?.snapshot === 'external' || (snapshotDisks(s) ?? []).some((d) => d.snapshot === 'external');
}

/** Whether a snapshot holds the guest's memory: it was taken of a running or paused guest. */
export const isLiveSnapshot = (s: DomainSnapshotDef): boolean => s.state === 'running' || s.state === 'paused';

/** The filters virDomainListAllSnapshots and virDomainSnapshotListAllChildren share (every snapshot has metadata). */
function matches(tree: SnapshotTree, s: Snapshot, flags: number): boolean {
  const leaf = childrenOf(tree, s.name).length === 0;
  if (flags & L.LEAVES && !leaf) return false;
  if (flags & L.NO_LEAVES && leaf) return false;
  if (flags & L.NO_METADATA && !(flags & L.METADATA)) return false;
  const states = flags & (L.INACTIVE | L.ACTIVE | L.DISK_ONLY);
  if (states) {
    const kind = s.state === 'shutoff' ? L.INACTIVE : s.state === 'disk-snapshot' ? L.DISK_ONLY : L.ACTIVE;
    if (!(states & kind)) return false;
  }
  const where = flags & (L.INTERNAL | L.EXTERNAL);
  if (where && !(where & (isExternalSnapshot(s) ? L.EXTERNAL : L.INTERNAL))) return false;
  return true;
}

function ordered(tree: SnapshotTree, from: string | undefined, flags: number): Snapshot[] {
  if (flags & L.TOPOLOGICAL) return topological(tree, from);
  return from === undefined ? tree.snaps : descendantsOf(tree, from);
}

/** A snapshot by name, or libvirt's NO_DOMAIN_SNAPSHOT error from the driver's domain `d`. */
export function findSnapshot(tree: SnapshotTree, name: string, d: ErrorDomain): Snapshot {
  const snap = tree.snaps.find((s) => s.name === name);
  if (!snap) throw new VirError(ErrorCode.NO_DOMAIN_SNAPSHOT, `no domain snapshot with matching name '${name}'`, d);
  return snap;
}

/** virDomainListAllSnapshots: names matching the flags; ROOTS keeps only snapshots without a parent. */
export function listSnapshotNames(tree: SnapshotTree, flags: number, fn: string, d: ErrorDomain): string[] {
  checkFlags(flags, SNAPSHOT_LIST_FLAGS, fn, d);
  return ordered(tree, undefined, flags)
    .filter((s) => !(flags & L.ROOTS) || s.parent === undefined)
    .filter((s) => matches(tree, s, flags)).map((s) => s.name);
}

/** virDomainSnapshotListAllChildren: children, or all descendants with DESCENDANTS. */
export function listChildNames(tree: SnapshotTree, name: string, flags: number, fn: string, d: ErrorDomain): string[] {
  checkFlags(flags, SNAPSHOT_LIST_FLAGS, fn, d);
  findSnapshot(tree, name, d);
  return ordered(tree, name, flags).filter((s) => (flags & L.DESCENDANTS) || s.parent === name)
    .filter((s) => matches(tree, s, flags)).map((s) => s.name);
}

/** The parent's name, or libvirt's error for a root snapshot. */
export function snapshotParentName(tree: SnapshotTree, name: string, d: ErrorDomain): string {
  const snap = findSnapshot(tree, name, d);
  if (snap.parent === undefined) throw new VirError(ErrorCode.NO_DOMAIN_SNAPSHOT, `snapshot '${name}' does not have a parent`, d);
  return snap.parent;
}

/** The current snapshot, or libvirt's error when there is none. */
export function currentSnapshotOf(tree: SnapshotTree, d: ErrorDomain): Snapshot {
  if (tree.current === undefined) throw new VirError(ErrorCode.NO_DOMAIN_SNAPSHOT, 'the domain does not have a current snapshot', d);
  return findSnapshot(tree, tree.current, d);
}

/**
 * Redefinition (virDomainSnapshotRedefinePrep): the parent must exist, the tree stay acyclic and
 * the domain inside be this one; the definition replaces a snapshot of its name or joins the tree.
 */
export function redefineSnapshot(tree: SnapshotTree, def: Snapshot, uuid: string): void {
  const D = ErrorDomain.DOMAIN_SNAPSHOT;
  checkRedefinedParent(tree, def, D);
  if (def.domain && def.domain.uuid !== uuid) {
    throw new VirError(ErrorCode.INVALID_ARG, `definition for snapshot ${def.name} must use uuid ${uuid}`, D);
  }
  const old = tree.snaps.findIndex((s) => s.name === def.name);
  if (old >= 0) tree.snaps[old] = def;
  else tree.snaps.push(def);
}
