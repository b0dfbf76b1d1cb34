import { checkpointFromElement, formatCheckpointXML, parseXml, validateXML, type CheckpointDisk, type DomainDef, type DomainCheckpointDef } from '@tsvirt/conf';
import {
  DomainCheckpointCreateFlags as C, DomainCheckpointDeleteFlags as Del, DomainCheckpointListFlags as L, DomainCheckpointXMLFlags as X,
  checkRedefinedParent, childrenOf, deleteMoment, descendantsOf, diskTargets, topological, type MomentTree,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { TEST_ARCH } from '../default-config.js';
import { isActive, type DomainObject } from '../domain-object.js';

const D = ErrorDomain.TEST;
const CD = ErrorDomain.DOMAIN_CHECKPOINT;

/** A checkpoint the mock keeps: its definition, whose name is always set. */
export type Checkpoint = DomainCheckpointDef & { name: string };

/** A domain's checkpoints in creation order and the name of the current one. */
export type CheckpointTree = MomentTree<Checkpoint>;

export function lookupCheckpoint(obj: DomainObject, name: string): Checkpoint {
  const cp = obj.checkpoints.snaps.find((s) => s.name === name);
  if (!cp) throw new VirError(ErrorCode.NO_DOMAIN_CHECKPOINT, `no domain checkpoint with matching name '${name}'`, D);
  return cp;
}

const LIST_FLAGS = L.ROOTS | L.TOPOLOGICAL | L.LEAVES | L.NO_LEAVES;

function isLeafMatch(tree: CheckpointTree, cp: Checkpoint, flags: number): boolean {
  const leaf = childrenOf(tree, cp.name).length === 0;
  return !(flags & L.LEAVES && !leaf) && !(flags & L.NO_LEAVES && leaf);
}

/** testDomainListAllCheckpoints: names matching the flags; ROOTS keeps only checkpoints without a parent. */
export function listCheckpoints(obj: DomainObject, flags: number): string[] {
  checkFlags(flags, LIST_FLAGS, 'testDomainListAllCheckpoints', D);
  const tree = obj.checkpoints;
  const all = flags & L.TOPOLOGICAL ? topological(tree, undefined) : tree.snaps;
  return all.filter((s) => !(flags & L.ROOTS) || s.parent === undefined).filter((s) => isLeafMatch(tree, s, flags)).map((s) => s.name);
}

/** testDomainCheckpointListAllChildren: children, or all descendants with DESCENDANTS. */
export function listCheckpointChildren(obj: DomainObject, name: string, flags: number): string[] {
  checkFlags(flags, L.DESCENDANTS | L.TOPOLOGICAL | L.LEAVES | L.NO_LEAVES, 'testDomainCheckpointListAllChildren', D);
  const tree = obj.checkpoints;
  lookupCheckpoint(obj, name);
  const all = flags & L.TOPOLOGICAL ? topological(tree, name) : descendantsOf(tree, name);
  return all.filter((s) => (flags & L.DESCENDANTS) || s.parent === name).filter((s) => isLeafMatch(tree, s, flags)).map((s) => s.name);
}

export function checkpointParent(obj: DomainObject, name: string): string {
  const cp = lookupCheckpoint(obj, name);
  if (cp.parent === undefined) {
    throw new VirError(ErrorCode.NO_DOMAIN_CHECKPOINT, `checkpoint '${name}' does not have a parent`, D);
  }
  return cp.parent;
}

export function checkpointXML(obj: DomainObject, name: string, flags: number): string {
  checkFlags(flags, X.SECURE | X.NO_DOMAIN | X.SIZE, 'testDomainCheckpointGetXMLDesc', D);
  return formatCheckpointXML(lookupCheckpoint(obj, name), { noDomain: (flags & X.NO_DOMAIN) !== 0 });
}

/** The disks of a new checkpoint (virDomainCheckpointAlignDisks): every disk of the domain, a bitmap named after the checkpoint unless given. */
function alignDisks(def: Checkpoint, dom: DomainDef): CheckpointDisk[] {
  const targets = diskTargets(dom);
  const given = def.disks ?? [];
  const unsupported = (text: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, text, CD);
  if (given.length > targets.length) throw unsupported('too many disk checkpoint requests for domain');
  const seen = new Set<string>();
  for (const d of given) {
    if (!targets.includes(d.name)) throw unsupported(`no disk named '${d.name}'`);
    if (seen.has(d.name)) throw unsupported(`disk '${d.name}' specified twice`);
    seen.add(d.name);
  }
  return targets.map((t) => {
    const d = given.find((g) => g.name === t);
    if (d?.checkpoint === 'no') return { name: t, checkpoint: 'no' };
    return { name: t, checkpoint: 'bitmap', bitmap: d?.bitmap ?? def.name };
  });
}

/**
 * The checkpoint a redefinition makes current, as libvirt 9.0 picks it: the redefined one, or
 * down its line of single children to the leaf (observed with virsh; the mock never forks below it).
 */
function leafBelow(tree: CheckpointTree, name: string): string {
  const children = childrenOf(tree, name);
  return children.length === 1 ? leafBelow(tree, children[0]!.name) : name;
}

/** Redefinition: the parent must exist and the tree stay acyclic. */
function redefine(obj: DomainObject, def: Checkpoint): void {
  const tree = obj.checkpoints;
  checkRedefinedParent(tree, def, CD);
  if (def.domain && def.domain.uuid !== obj.def.uuid) {
    throw new VirError(ErrorCode.INVALID_ARG, `definition for checkpoint ${def.name} must use uuid ${obj.def.uuid}`, CD);
  }
  const old = tree.snaps.findIndex((s) => s.name === def.name);
  if (old >= 0) tree.snaps[old] = def;
  else tree.snaps.push(def);
}

/**
 * testDomainCheckpointCreateXML: a new checkpoint of the domain's current definition (child of the
 * current checkpoint, which it becomes), or with REDEFINE a checkpoint restored from its XML.
 */
export async function createCheckpoint(obj: DomainObject, xml: string, flags: number): Promise<string> {
  checkFlags(flags, C.REDEFINE | C.QUIESCE, 'testDomainCheckpointCreateXML', D);
  if (obj.snapshots.snaps.length > 0) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'cannot create checkpoint while snapshot exists', D);
  if (!isActive(obj)) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'cannot create checkpoint for inactive domain', D);
  const redefining = (flags & C.REDEFINE) !== 0;
  // libvirt always checks checkpoint XML against its schema, after the syntax.
  const root = parseXml(xml, 'domain_checkpoint', CD);
  await validateXML(xml, 'domaincheckpoint.rng');
  const parsed = checkpointFromElement(root, { redefine: redefining, domainDefaults: { arch: TEST_ARCH } });
  const tree = obj.checkpoints;
  if (redefining) {
    const def = parsed as Checkpoint;
    redefine(obj, def);
    tree.current = leafBelow(tree, def.name);
    return def.name;
  }
  const now = Math.floor(Date.now() / 1000);
  const name = parsed.name ?? String(now);
  if (tree.snaps.some((s) => s.name === name)) {
    throw new VirError(ErrorCode.OPERATION_FAILED, `domain moment ${name} already exists`, CD);
  }
  const cp: Checkpoint = {
    ...parsed,
    name,
    ...(tree.current !== undefined ? { parent: tree.current } : {}),
    creationTime: now,
    domain: structuredClone(obj.def),
  };
  cp.disks = alignDisks(cp, obj.def);
  tree.snaps.push(cp);
  tree.current = name;
  return name;
}

/** testDomainCheckpointDelete (DomainCheckpointDeleteFlags). */
export function deleteCheckpoint(obj: DomainObject, name: string, flags: number): void {
  checkFlags(flags, Del.CHILDREN | Del.CHILDREN_ONLY | Del.METADATA_ONLY, 'testDomainCheckpointDelete', D);
  deleteMoment(obj.checkpoints, lookupCheckpoint(obj, name), (flags & Del.CHILDREN) !== 0, (flags & Del.CHILDREN_ONLY) !== 0);
}
