import { formatSnapshotXML, parseSnapshotXML, snapshotDiskElements, snapshotDisks, type DomainDef, type DomainSnapshotDef } from '@tsvirt/conf';
import {
  DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainSnapshotCreateFlags as C,
  DomainSnapshotDeleteFlags as Del, DomainSnapshotRevertFlags as R, DomainSnapshotXMLFlags, DomainState, currentSnapshotOf, deleteMoment,
  diskTargets, findSnapshot, isLiveSnapshot as isLive, listChildNames, listSnapshotNames, redefineSnapshot, snapshotParentName,
  type Snapshot, type SnapshotTree,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { TEST_ARCH } from '../default-config.js';
import { isActive, type DomainObject } from '../domain-object.js';
import type { TestHost } from '../test-host.js';

const D = ErrorDomain.TEST;

export type { Snapshot, SnapshotTree };

export function newSnapshotTree(): SnapshotTree {
  return { snaps: [], current: undefined };
}

/** virDomainSnapshotState's name for a domain state. */
const STATE_NAMES: Record<number, string> = {
  [DomainState.NOSTATE]: 'nostate', [DomainState.RUNNING]: 'running', [DomainState.BLOCKED]: 'blocked',
  [DomainState.PAUSED]: 'paused', [DomainState.SHUTDOWN]: 'shutdown', [DomainState.SHUTOFF]: 'shutoff',
  [DomainState.CRASHED]: 'crashed', [DomainState.PMSUSPENDED]: 'pmsuspended',
};

export const lookupSnapshot = (obj: DomainObject, name: string): Snapshot => findSnapshot(obj.snapshots, name, D);
export const currentSnapshot = (obj: DomainObject): Snapshot => currentSnapshotOf(obj.snapshots, D);

/** testDomainListAllSnapshots: names matching the flags; ROOTS keeps only snapshots without a parent. */
export function listSnapshots(obj: DomainObject, flags: number): string[] {
  return listSnapshotNames(obj.snapshots, flags, 'testDomainListAllSnapshots', D);
}

/** testDomainSnapshotListAllChildren: children, or all descendants with DESCENDANTS. */
export function listChildren(obj: DomainObject, name: string, flags: number): string[] {
  return listChildNames(obj.snapshots, name, flags, 'testDomainSnapshotListAllChildren', D);
}

export function snapshotParent(obj: DomainObject, name: string): string {
  return snapshotParentName(obj.snapshots, name, D);
}

export function snapshotXML(obj: DomainObject, name: string, flags: number): string {
  checkFlags(flags, DomainSnapshotXMLFlags.SECURE, 'testDomainSnapshotGetXMLDesc', D);
  return formatSnapshotXML(lookupSnapshot(obj, name));
}

/** The disks of a new snapshot: every disk of the domain, internal, as the mock can take no other kind. */
function alignDisks(snap: DomainSnapshotDef, dom: DomainDef): DomainSnapshotDef['disks'] {
  const targets = diskTargets(dom);
  const given = snapshotDisks(snap) ?? [];
  const unsupported = (text: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, text, ErrorDomain.DOMAIN_SNAPSHOT);
  if (given.length > targets.length) throw unsupported('too many disk snapshot requests for domain');
  const seen = new Set<string>();
  for (const d of given) {
    const name = d.name ?? '';
    if (!targets.includes(name)) throw unsupported(`no disk named '${name}'`);
    if (seen.has(name)) throw unsupported(`disk '${name}' specified twice`);
    seen.add(name);
    const mode = d.snapshot;
    if (mode !== undefined && mode !== 'internal') throw unsupported(`disk '${name}' must use snapshot mode 'internal'`);
  }
  return snapshotDiskElements(targets.map((name) => ({ name, snapshot: 'internal' })));
}

/**
 * testDomainSnapshotCreateXML: a new snapshot of the domain's current definition and state (child
 * of the current snapshot, which it becomes), or with REDEFINE a snapshot restored from its XML.
 */
export function createSnapshot(host: TestHost, obj: DomainObject, xml: string, flags: number): string {
  checkFlags(flags, C.REDEFINE | C.CURRENT | C.HALT | C.QUIESCE | C.ATOMIC | C.LIVE | C.VALIDATE, 'testDomainSnapshotCreateXML', D);
  if (!obj.persistent && flags & C.HALT) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot halt after transient domain snapshot', D);
  }
  if (obj.checkpoints.snaps.length > 0) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'cannot create snapshot while checkpoint exists', D);
  const redefining = (flags & C.REDEFINE) !== 0;
  const parsed = parseSnapshotXML(xml, { redefine: redefining, domainDefaults: { arch: TEST_ARCH } });
  const tree = obj.snapshots;
  if (redefining) {
    const def = parsed as Snapshot;
    redefineSnapshot(tree, def, obj.def.uuid);
    if (flags & C.CURRENT) tree.current = def.name;
    return def.name;
  }
  const now = Math.floor(Date.now() / 1000);
  const name = parsed.name ?? String(now);
  if (tree.snaps.some((s) => s.name === name)) {
    throw new VirError(ErrorCode.OPERATION_FAILED, `domain moment ${name} already exists`, ErrorDomain.DOMAIN_SNAPSHOT);
  }
  const state = STATE_NAMES[obj.state] ?? 'nostate';
  const snap: Snapshot = {
    ...parsed,
    name,
    state,
    ...(tree.current !== undefined ? { parent: tree.current } : {}),
    creationTime: now,
    memory: { snapshot: state === 'shutoff' ? 'no' : 'internal' },
    domain: structuredClone(obj.def),
  };
  snap.disks = alignDisks(parsed, obj.def);
  tree.snaps.push(snap);
  tree.current = name;
  if (flags & C.HALT && isActive(obj)) {
    host.stop(obj, DomainShutoffReason.FROM_SNAPSHOT, DomainEventDetail.STOPPED.FROM_SNAPSHOT);
  }
  return name;
}

/** Starts the domain from a snapshot, paused when asked, with libvirt's FROM_SNAPSHOT reasons and events. */
function startFromSnapshot(host: TestHost, obj: DomainObject, paused: boolean): void {
  host.start(obj, false, DomainRunningReason.FROM_SNAPSHOT, DomainEventDetail.STARTED.FROM_SNAPSHOT);
  if (paused) {
    obj.state = DomainState.PAUSED;
    obj.reason = DomainPausedReason.FROM_SNAPSHOT;
    host.emit(obj, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.FROM_SNAPSHOT);
  }
}

/**
 * testDomainRevertToSnapshot: the domain takes the snapshot's definition and state. A running
 * domain is stopped and started again; reverting to an inactive snapshot with RUNNING or PAUSED
 * raises the start events but leaves the domain shut off, as libvirt 9.0's test driver does.
 */
export function revertToSnapshot(host: TestHost, obj: DomainObject, name: string, flags: number): void {
  checkFlags(flags, R.RUNNING | R.PAUSED | R.FORCE, 'testDomainRevertToSnapshot', D);
  const snap = lookupSnapshot(obj, name);
  const startAsked = (flags & (R.RUNNING | R.PAUSED)) !== 0;
  if (!obj.persistent && !isLive(snap) && !startAsked) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'transient domain needs to request run or pause to revert to inactive snapshot', D);
  }
  if (!snap.domain) {
    throw new VirError(ErrorCode.SNAPSHOT_REVERT_RISKY, `snapshot '${snap.name}' lacks domain '${obj.def.name}' rollback info`, D);
  }
  obj.snapshots.current = snap.name;
  const config = structuredClone(snap.domain);
  if (isActive(obj)) obj.newDef = config;
  else obj.def = config;
  if (isActive(obj)) host.stop(obj, DomainShutoffReason.FROM_SNAPSHOT, DomainEventDetail.STOPPED.FROM_SNAPSHOT, true);
  if (isLive(snap)) {
    startFromSnapshot(host, obj, !(flags & R.RUNNING) && (snap.state === 'paused' || (flags & R.PAUSED) !== 0));
  } else if (startAsked) {
    host.emit(obj, DomainEventType.STARTED, DomainEventDetail.STARTED.FROM_SNAPSHOT);
    if (flags & R.PAUSED) host.emit(obj, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.FROM_SNAPSHOT);
  }
}

/**
 * testDomainSnapshotDelete: removes a snapshot (its children move up to its parent), its
 * descendants too with CHILDREN, or only them with CHILDREN_ONLY. The current snapshot moves to
 * the nearest surviving ancestor.
 */
export function deleteSnapshot(obj: DomainObject, name: string, flags: number): void {
  checkFlags(flags, Del.CHILDREN | Del.CHILDREN_ONLY, 'testDomainSnapshotDelete', D);
  deleteMoment(obj.snapshots, lookupSnapshot(obj, name), (flags & Del.CHILDREN) !== 0, (flags & Del.CHILDREN_ONLY) !== 0);
}
