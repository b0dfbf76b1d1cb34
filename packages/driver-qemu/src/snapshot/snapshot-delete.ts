import {
  DomainSnapshotDeleteFlags as Del, childrenOf, deleteMoment, descendantsOf, findSnapshot, isExternalSnapshot, type Snapshot, type SnapshotTree,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags, logger } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { withMonitor } from '../driver/monitor.js';
import { isActiveStatus } from '../state/domain-status.js';
import type { StoredDomain } from '../state/qemu-store.js';
import { mergeExternalSnapshot } from './external-delete.js';
import { hmpDelVm } from './hmp-snapshot.js';
import { deleteFromImages } from './image-snapshots.js';
import { alignDisks } from './snapshot-disk-plan.js';
import { loadSnapshots, removeSnapshotFile, saveTree } from './snapshot-store.js';

const D = ErrorDomain.QEMU;
const log = logger('qemu.snapshot');

/**
 * Removes snapshots' data from the images: through a running QEMU with HMP `delvm` (errors
 * logged and passed over, as libvirt carries on), else with `qemu-img snapshot -d` on each disk.
 */
async function discardData(d: StoredDomain, doomed: readonly Snapshot[]): Promise<void> {
  const s = d.status;
  if (isActiveStatus(s)) {
    await withMonitor(s, async (mon) => {
      for (const snap of doomed) await hmpDelVm(mon, snap.name).catch((e: unknown) => log.warn(`delvm ${snap.name}: ${(e as Error).message}`));
    });
    return;
  }
  for (const snap of doomed) await deleteFromImages(snap.name, alignDisks(snap, d.persistentDef!));
}

/** libvirt 9.0's limits on deleting an external snapshot's data (qemuSnapshotDeleteValidate). */
function checkExternalDelete(tree: SnapshotTree, d: StoredDomain, snap: Snapshot, withChildren: boolean): void {
  const unsupported = (text: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, text, D);
  if (withChildren) throw unsupported('deletion of external children disk snapshots not supported');
  if (childrenOf(tree, snap.name).length > 1) throw unsupported('deletion of external disk snapshot with multiple children snapshots not supported');
  if (isActiveStatus(d.status) && Object.keys(d.status.blockJobs ?? {}).length > 0) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'cannot delete external snapshots when there is another active block job', D);
  }
}

/**
 * qemuSnapshotDelete for internal snapshots: the snapshot (its children move up to its parent),
 * with CHILDREN its descendants too, with CHILDREN_ONLY only them; METADATA_ONLY leaves the images
 * alone. The current snapshot moves to the nearest surviving ancestor, and the files follow.
 */
export async function deleteSnapshot(drv: DriverContext, d: StoredDomain, name: string, flags: number): Promise<void> {
  checkFlags(flags, Del.CHILDREN | Del.METADATA_ONLY | Del.CHILDREN_ONLY, 'qemuDomainSnapshotDelete', D);
  const tree = await loadSnapshots(drv.paths, d.name);
  const snap = findSnapshot(tree, name, D);
  const children = (flags & Del.CHILDREN) !== 0;
  const childrenOnly = (flags & Del.CHILDREN_ONLY) !== 0;
  const doomed = [...(children || childrenOnly ? descendantsOf(tree, name) : []), ...(childrenOnly ? [] : [snap])];
  if (!(flags & Del.METADATA_ONLY) && doomed.some(isExternalSnapshot)) {
    checkExternalDelete(tree, d, snap, children || childrenOnly);
    await mergeExternalSnapshot(drv, d, snap);
  } else if (!(flags & Del.METADATA_ONLY)) await discardData(d, doomed);
  const oldCurrent = tree.current;
  const orphans = children || childrenOnly ? [] : tree.snaps.filter((s) => s.parent === name);
  deleteMoment(tree, snap, children, childrenOnly);
  await saveTree(drv.paths, d.name, tree, orphans, doomed.some((s) => s.name === oldCurrent) ? undefined : oldCurrent);
  for (const s of doomed) await removeSnapshotFile(drv.paths, d.name, s.name);
}
