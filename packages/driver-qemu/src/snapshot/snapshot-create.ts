import { parseSnapshotXML, type DomainDef, type DomainSnapshotDef } from '@tsvirt/conf';
import {
  DomainEventDetail, DomainShutoffReason, DomainSnapshotCreateFlags as C, DomainState, checkExclusiveFlags, checkRequiredFlag, redefineSnapshot,
  type Snapshot,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { parseQemuDomain } from '../driver/domain-define.js';
import { tearDown } from '../driver/domain-stop.js';
import { withMonitor } from '../driver/monitor.js';
import { isActiveStatus, type ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, uuidOf, type StoredDomain } from '../state/qemu-store.js';
import { hmpSaveVm } from './hmp-snapshot.js';
import { forEachImage } from './image-snapshots.js';
import { createActiveExternal, createInactiveExternal } from './external-create.js';
import { alignDisks, assignOverlayNames, plannedDiskElements, type AlignRule } from './snapshot-disk-plan.js';
import { snapshotDomainOf } from './snapshot-domain.js';
import { prepareSnapshotPlan } from './snapshot-prepare.js';
import { loadSnapshots, saveTree } from './snapshot-store.js';

const D = ErrorDomain.QEMU;
const SD = ErrorDomain.DOMAIN_SNAPSHOT;
const xmlError = (text: string): VirError => new VirError(ErrorCode.XML_ERROR, text, SD);

export const CREATE_FLAGS = C.REDEFINE | C.CURRENT | C.NO_METADATA | C.HALT | C.DISK_ONLY | C.REUSE_EXT | C.QUIESCE | C.ATOMIC | C.LIVE | C.VALIDATE;

/** The checks of qemuDomainSnapshotCreateXML before any XML is read. */
function checkCreateFlags(flags: number, persistent: boolean): void {
  checkFlags(flags, CREATE_FLAGS, 'qemuDomainSnapshotCreateXML', D);
  checkRequiredFlag(flags, C.QUIESCE, 'VIR_DOMAIN_SNAPSHOT_CREATE_QUIESCE', C.DISK_ONLY, 'VIR_DOMAIN_SNAPSHOT_CREATE_DISK_ONLY');
  checkExclusiveFlags(flags, C.LIVE, 'VIR_DOMAIN_SNAPSHOT_CREATE_LIVE', C.REDEFINE, 'VIR_DOMAIN_SNAPSHOT_CREATE_REDEFINE');
  if (!persistent && flags & C.HALT) throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot halt after transient domain snapshot', D);
}

/** Snapshot names become file names: libvirt refuses the ones that could not be. */
function checkName(name: string): void {
  if (name.includes('/')) throw new VirError(ErrorCode.XML_DETAIL, `invalid snapshot name '${name}': name can't contain '/'`, SD);
  if (name.startsWith('.')) throw new VirError(ErrorCode.XML_DETAIL, `invalid snapshot name '${name}': name can't start with '.'`, SD);
}

/** The state name a snapshot records for a domain's state (virDomainSnapshotState). */
function stateName(d: StoredDomain): string {
  if (!isActiveStatus(d.status)) return 'shutoff';
  return d.status.state === DomainState.PAUSED ? 'paused' : 'running';
}

/** What a new snapshot captures: its recorded state and memory, and where its disks go by default. */
interface SnapshotKind {
  readonly state: string;
  readonly memory: string;
  readonly rule: AlignRule;
}

/**
 * libvirt's qemuSnapshotCreateAlignDisks: a disk-only snapshot (external disks, no memory, the
 * state `disk-snapshot` of a running guest); a full system one with its memory in a file
 * (external disks); else an internal one, which must take a running guest's memory.
 */
function snapshotKind(d: StoredDomain, parsed: DomainSnapshotDef, flags: number): SnapshotKind {
  const active = isActiveStatus(d.status);
  if (flags & C.DISK_ONLY) return { state: active ? 'disk-snapshot' : 'shutoff', memory: 'no', rule: { location: 'external', requireMatch: false } };
  const state = stateName(d);
  if (parsed.memory?.snapshot === 'external') return { state, memory: 'external', rule: { location: 'external', requireMatch: false } };
  if (active && parsed.memory?.snapshot === 'no') {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'internal snapshot of a running VM must include the memory state', D);
  }
  return { state, memory: state === 'shutoff' ? 'no' : 'internal', rule: { location: 'internal', requireMatch: true } };
}

/** virDomainSnapshotDefParse's checks of `<memory>` (an offline or disk-only snapshot keeps no memory; a file goes with external). */
function checkMemory(parsed: DomainSnapshotDef, offline: boolean): void {
  const m = parsed.memory;
  if (!m) return;
  if (m.file !== undefined && m.snapshot !== 'external') throw xmlError(`memory filename '${m.file}' requires external snapshot`);
  if (m.file === undefined && m.snapshot === 'external') throw xmlError('external memory snapshots require a filename');
  if (offline && m.snapshot !== '' && m.snapshot !== 'no') throw xmlError('memory state cannot be saved with offline or disk-only snapshot');
}

/**
 * HMP savevm on a running guest, with its CPUs stopped around it as libvirt stops them (savevm
 * would pause it behind the driver's back); the guest runs again unless it is halted after.
 */
async function saveRunning(s: ActiveStatus, name: string, halt: boolean): Promise<void> {
  const running = s.state === DomainState.RUNNING;
  await withMonitor(s, async (mon) => {
    if (running) await mon.execute('stop');
    try {
      await hmpSaveVm(mon, name);
    } finally {
      if (running && !halt) await mon.execute('cont');
    }
  });
}

/**
 * qemuSnapshotCreateXML for internal snapshots: on a running domain HMP `savevm` (disks and
 * memory in its qcow2 images), on a shut-off one `qemu-img snapshot -c` on each qcow2 disk; then
 * the metadata, as libvirt's files, with the new snapshot current. REDEFINE only restores metadata.
 */
export async function createSnapshot(drv: DriverContext, d: StoredDomain, xml: string, flags: number): Promise<string> {
  const persistent = d.hasConfig;
  checkCreateFlags(flags, persistent);
  const redefining = (flags & C.REDEFINE) !== 0;
  const parsed = parseSnapshotXML(xml, { redefine: redefining, domainDefaults: { arch: GUEST_ARCH } });
  const active = isActiveStatus(d.status);
  if (!redefining) checkMemory(parsed, !active || (flags & C.DISK_ONLY) !== 0);
  const now = Math.floor(Date.now() / 1000);
  const name = parsed.name ?? String(now);
  if (!(flags & C.NO_METADATA)) checkName(name);
  if (flags & C.LIVE && (!active || parsed.memory?.snapshot !== 'external')) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'live snapshot creation is supported only during full system snapshots', D);
  }
  const tree = await loadSnapshots(drv.paths, d.name);
  const oldCurrent = tree.current;
  if (redefining) {
    const def = { ...parsed, name } as Snapshot;
    const wasCurrent = tree.current === name;
    redefineSnapshot(tree, def, uuidOf(d));
    if (flags & C.CURRENT || wasCurrent) tree.current = name;
    if (!(flags & C.NO_METADATA)) await saveTree(drv.paths, d.name, tree, [def], oldCurrent);
    return name;
  }
  const live: DomainDef = active ? parseQemuDomain(d.status.xml, false) : d.persistentDef!;
  const how = snapshotKind(d, parsed, flags);
  const busy = new Set(active ? Object.keys(d.status.blockJobs ?? {}) : []);
  const plan = prepareSnapshotPlan(assignOverlayNames(alignDisks(parsed, live, how.rule), name), {
    memory: how.memory, state: how.state, active, reuse: (flags & C.REUSE_EXT) !== 0, dom: live, busy,
  });
  // As libvirt, a taken name is found only once the snapshot has been checked.
  if (tree.snaps.some((s) => s.name === name)) throw new VirError(ErrorCode.OPERATION_FAILED, `domain moment ${name} already exists`, SD);
  const memoryFile = parsed.memory?.file;
  const snap: Snapshot = {
    ...parsed, name, state: how.state, creationTime: now, memory: { snapshot: how.memory, ...(memoryFile !== undefined ? { file: memoryFile } : {}) },
    disks: plannedDiskElements(plan),
    ...(tree.current !== undefined ? { parent: tree.current } : {}),
    domain: active ? snapshotDomainOf(live, d.persistentDef) : live,
    ...(active && d.persistentDef ? { inactiveDomain: d.persistentDef } : {}),
  };
  const halt = (flags & C.HALT) !== 0;
  const external = how.rule.location === 'external';
  if (isActiveStatus(d.status) && external) await createActiveExternal(drv, d, d.status, { plan, memoryFile, flags });
  else if (isActiveStatus(d.status)) await saveRunning(d.status, name, halt);
  else if (external) await createInactiveExternal(drv, d, plan, (flags & C.REUSE_EXT) !== 0);
  else await forEachImage('-c', name, plan);
  if (!(flags & C.NO_METADATA)) {
    tree.snaps.push(snap);
    tree.current = name;
    await saveTree(drv.paths, d.name, tree, [snap], oldCurrent);
  }
  if (halt && !external && isActiveStatus(d.status)) {
    await tearDown(drv, d.status, DomainShutoffReason.FROM_SNAPSHOT, { detail: DomainEventDetail.STOPPED.FROM_SNAPSHOT });
  }
  return name;
}
