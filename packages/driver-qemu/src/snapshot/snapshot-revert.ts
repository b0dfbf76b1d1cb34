import { formatDomainXML, type DomainDef } from '@tsvirt/conf';
import {
  DomainEventDetail, DomainEventType, DomainShutoffReason, DomainSnapshotRevertFlags as R, checkExclusiveFlags, findSnapshot, isExternalSnapshot, isLiveSnapshot,
  type Snapshot,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { parseQemuDomain } from '../driver/domain-define.js';
import { startDomain } from '../driver/domain-start.js';
import { tearDown } from '../driver/domain-stop.js';
import { hasManagedSave } from '../save/domain-save.js';
import { isActiveStatus } from '../state/domain-status.js';
import { qemuStore, uuidOf, type StoredDomain } from '../state/qemu-store.js';
import { forEachImage } from './image-snapshots.js';
import { alignDisks } from './snapshot-disk-plan.js';
import { loadSnapshots, saveTree } from './snapshot-store.js';

const D = ErrorDomain.QEMU;

/** qemuSnapshotRevertValidate's refusals, in its order. */
async function validate(drv: DriverContext, d: StoredDomain, snap: Snapshot, flags: number): Promise<void> {
  const startAsked = (flags & (R.RUNNING | R.PAUSED)) !== 0;
  if (!d.hasConfig && !isLiveSnapshot(snap) && !startAsked) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'transient domain needs to request run or pause to revert to inactive snapshot', D);
  }
  if (isExternalSnapshot(snap)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'revert to external snapshot not supported yet', D);
  if (!(flags & R.FORCE) && !snap.domain) {
    throw new VirError(ErrorCode.SNAPSHOT_REVERT_RISKY, `snapshot '${snap.name}' lacks domain '${d.name}' rollback info`, D);
  }
  if (!isLiveSnapshot(snap) && (await hasManagedSave(drv.paths, d.name))) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'snapshot without memory state, removal of existing managed saved state strongly recommended to avoid corruption', D);
  }
  if (snap.state === 'pmsuspended') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, "qemu doesn't support reversion of snapshot taken in PMSUSPENDED state", D);
  if (!isLiveSnapshot(snap) && snap.state !== 'shutoff' && snap.state !== 'shutdown' && snap.state !== 'crashed') {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `Invalid target domain state '${snap.state ?? 'nostate'}'. Refusing snapshot reversion`, D);
  }
}

/** A fresh copy of a definition the snapshot holds, as the domain's to start or define. */
const copyOf = (def: DomainDef): DomainDef => parseQemuDomain(formatDomainXML(def, { inactive: true }), false);

/**
 * qemuSnapshotRevert: a running or paused snapshot restarts QEMU from it (`-loadvm`), paused
 * as the snapshot was or as asked; a shut-off one stops the domain, applies the snapshot to each
 * qcow2 image with `qemu-img snapshot -a` and starts it again only when asked. The snapshot's
 * inactive definition becomes the persistent one, and the snapshot becomes current.
 */
export async function revertToSnapshot(drv: DriverContext, d: StoredDomain, name: string, flags: number): Promise<void> {
  checkFlags(flags, R.RUNNING | R.PAUSED | R.FORCE, 'qemuDomainRevertToSnapshot', D);
  checkExclusiveFlags(flags, R.RUNNING, 'VIR_DOMAIN_SNAPSHOT_REVERT_RUNNING', R.PAUSED, 'VIR_DOMAIN_SNAPSHOT_REVERT_PAUSED');
  const tree = await loadSnapshots(drv.paths, d.name);
  const snap = findSnapshot(tree, name, D);
  await validate(drv, d, snap, flags);
  const ref = { name: d.name, uuid: uuidOf(d), id: -1 };
  const fallback = isActiveStatus(d.status) ? parseQemuDomain(d.status.xml, false) : d.persistentDef!;
  const config = snap.domain ? copyOf(snap.domain) : fallback;
  const inactive = snap.inactiveDomain ? copyOf(snap.inactiveDomain) : config;
  if (isActiveStatus(d.status)) {
    await tearDown(drv, d.status, DomainShutoffReason.FROM_SNAPSHOT, { detail: DomainEventDetail.STOPPED.FROM_SNAPSHOT });
    // A transient domain's metadata went with its QEMU; it starts again from the snapshot, so it is written back.
    if (!d.hasConfig) await saveTree(drv.paths, d.name, tree, tree.snaps, undefined);
  }
  const live = isLiveSnapshot(snap);
  if (!live) await forEachImage('-a', snap.name, alignDisks(snap, d.persistentDef ?? config));
  if (d.hasConfig) {
    await qemuStore(drv.paths).saveConfig(d.name, formatDomainXML(inactive, { inactive: true }));
    drv.events.raise(ref, DomainEventType.DEFINED, DomainEventDetail.DEFINED.FROM_SNAPSHOT);
  }
  const oldCurrent = tree.current;
  tree.current = snap.name;
  await saveTree(drv.paths, d.name, tree, [], oldCurrent);
  const startAsked = (flags & (R.RUNNING | R.PAUSED)) !== 0;
  if (!live && !startAsked) return;
  const paused = !(flags & R.RUNNING) && (snap.state === 'paused' || (flags & R.PAUSED) !== 0);
  await startDomain(drv, config, { paused, persistent: d.hasConfig, fromSnapshot: { loadvm: live ? snap.name : undefined } });
}
