import { join } from 'node:path';
import { editDevice, formatDomainXML, parseDomainXML } from '@tsvirt/conf';
import {
  DomainEventDetail, DomainEventType, DomainPausedReason, DomainRunningReason, DomainShutoffReason, DomainSnapshotCreateFlags as C, DomainState,
} from '@tsvirt/api';
import { logger } from '@tsvirt/util';
import { withAgent } from '../agent/agent-access.js';
import { fsFreeze, fsThaw } from '../agent/guest-fs.js';
import { diskChain } from '../blockjob/block-chain.js';
import { editLiveDisk } from '../blockjob/disk-edit.js';
import { formatNode, storageNode } from '../command/disk-props.js';
import type { Disk } from '../devices/qemu-disk.js';
import { devicesOf } from '../devices/typed-devices.js';
import type { DriverContext } from '../driver/driver-context.js';
import { tearDown } from '../driver/domain-stop.js';
import { withMonitor } from '../driver/monitor.js';
import { deleteDiskNodes } from '../hotplug/disk-removal.js';
import type { QmpClient } from '../qmp/qmp-client.js';
import { migrateToFile } from '../save/migration-stream.js';
import { beginSaveImage, finishSaveImage } from '../save/save-image.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { chainBelowOverlay, createOverlays, imageOf, onOverlay, removeFiles, type DiskImage } from './external-overlays.js';
import type { Overlay, PlannedDisk } from './snapshot-disk-plan.js';

const log = logger('qemu.snapshot');

/** One disk an external snapshot moves onto a new overlay. */
interface ExternalDisk {
  readonly planned: PlannedDisk;
  readonly overlay: Overlay;
  readonly image: DiskImage;
}

/** Moves disks of the persistent definition (by target) and writes it once. */
async function editConfigDisks(drv: DriverContext, d: StoredDomain, edits: ReadonlyArray<readonly [string, (disk: Disk) => void]>): Promise<void> {
  let def = d.persistentDef;
  if (!def || edits.length === 0) return;
  for (const [target, edit] of edits) {
    const disk: Disk | undefined = devicesOf(def.devices, 'disk').find((x) => x.target?.dev === target);
    if (disk) def = editDevice(def, disk, edit);
  }
  await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
}

const externalDisks = (plan: readonly PlannedDisk[], active: boolean): ExternalDisk[] =>
  plan.filter((p) => p.snapshot === 'external').map((p) => ({ planned: p, overlay: p.overlay!, image: imageOf(p, active) }));

/**
 * qemuSnapshotCreateInactiveExternal: each overlay made with qemu-img over the disk's image (a
 * failure removes the ones made), then the definition's disks moved onto them.
 */
export async function createInactiveExternal(drv: DriverContext, d: StoredDomain, plan: readonly PlannedDisk[], reuse: boolean): Promise<void> {
  const disks = externalDisks(plan, false);
  const made = await createOverlays(disks, reuse, false);
  try {
    await editConfigDisks(drv, d, disks.map((x) => [x.planned.disk.target, onOverlay(x.overlay, undefined)] as const));
  } catch (e) {
    await removeFiles(made);
    throw e;
  }
}

/** The nodes a running QEMU opens an overlay through: the protocol node, then the format node with its backing left to blockdev-snapshot. */
async function addOverlayNodes(mon: QmpClient, overlay: Overlay, node: number): Promise<void> {
  await mon.execute('blockdev-add', {
    driver: overlay.type === 'block' ? 'host_device' : 'file', filename: overlay.path, 'node-name': storageNode(node), 'auto-read-only': true, discard: 'unmap',
  });
  await mon.execute('blockdev-add', { 'node-name': formatNode(node), 'read-only': false, driver: overlay.format ?? 'qcow2', file: storageNode(node), backing: null });
}

/**
 * qemuSnapshotCreateActiveExternalDisks with -blockdev: overlays made, opened as new `libvirt-N`
 * nodes, and put on top of every disk at once by one QMP `transaction` of `blockdev-snapshot`
 * actions; a failure deletes the nodes and the files made. Then the live disks name their
 * overlays with the old images as `<backingStore>`, and a persistent disk with the same source
 * follows, its old source one level below (as libvirt's).
 */
async function snapshotRunningDisks(drv: DriverContext, d: StoredDomain, s: ActiveStatus, mon: QmpClient, plan: readonly PlannedDisk[], reuse: boolean): Promise<void> {
  const disks = externalDisks(plan, true);
  const made = await createOverlays(disks, reuse, true);
  const nodes: number[] = [];
  try {
    const actions = [];
    for (const x of disks) {
      const alias = x.planned.disk.alias ?? '';
      const top = (await diskChain(mon, alias))[0]!.node;
      const node = s.nextNode++;
      nodes.push(node);
      await addOverlayNodes(mon, x.overlay, node);
      actions.push({ type: 'blockdev-snapshot', data: { node: top, overlay: formatNode(node) } });
    }
    await mon.execute('transaction', { actions });
  } catch (e) {
    for (const node of nodes) await deleteDiskNodes(mon, node);
    await removeFiles(made);
    throw e;
  }
  const live = devicesOf(parseDomainXML(s.xml, { arch: GUEST_ARCH }).devices, 'disk');
  const config = d.persistentDef ? devicesOf(d.persistentDef.devices, 'disk') : [];
  const configEdits: Array<readonly [string, (disk: Disk) => void]> = [];
  for (const [i, x] of disks.entries()) {
    const alias = x.planned.disk.alias ?? '';
    const before = live.find((l) => l.alias === alias);
    if (!before) continue;
    s.diskNodes[alias] = nodes[i]!;
    editLiveDisk(s, alias, onOverlay(x.overlay, chainBelowOverlay(before), nodes[i]));
    const target = x.planned.disk.target;
    const persistent = config.find((c) => c.target?.dev === target);
    const samePath = persistent && (persistent.source?.file ?? persistent.source?.dev) === x.image.path;
    if (samePath) configEdits.push([target, onOverlay(x.overlay, chainBelowOverlay(persistent))]);
  }
  await writeStatus(drv.paths, s);
  await editConfigDisks(drv, d, configEdits);
}

/** Saves the guest's memory into the snapshot's memory file as a save image (QEMU migration to a file, as save does). */
async function saveMemory(s: ActiveStatus, mon: QmpClient, file: string, wasRunning: boolean): Promise<void> {
  const { file: fh, offset } = await beginSaveImage(file, s.xml, wasRunning);
  try {
    await migrateToFile(mon, join(s.runDir, 'save.sock'), fh, offset);
    await finishSaveImage(fh);
  } catch (e) {
    await fh.close().catch(() => undefined);
    await removeFiles([file]);
    throw e;
  }
}

/** Pauses the guest for its memory to be saved, or lets it run again after: libvirt's reasons (snapshot, unpaused) and events. */
async function setRunning(drv: DriverContext, s: ActiveStatus, mon: QmpClient, run: boolean): Promise<void> {
  await mon.execute(run ? 'cont' : 'stop');
  Object.assign(s, run ? { state: DomainState.RUNNING, reason: DomainRunningReason.UNPAUSED } : { state: DomainState.PAUSED, reason: DomainPausedReason.SNAPSHOT });
  await writeStatus(drv.paths, s);
  const ref = { name: s.name, uuid: s.uuid, id: s.id };
  if (run) drv.events.raise(ref, DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED);
  else drv.events.raise(ref, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
}

/** What an active external snapshot is asked to do beside its disks. */
export interface ActiveExternalRequest {
  readonly plan: readonly PlannedDisk[];
  /** The memory file of a full system snapshot. */
  readonly memoryFile: string | undefined;
  readonly flags: number;
}

/**
 * qemuSnapshotCreateActiveExternal: the guest's file systems frozen through its agent when asked
 * (thawed after); for a full system snapshot the guest paused (unless `--live`, where QEMU pauses
 * it once the migration converges) and its memory saved; the disks moved onto their overlays;
 * then the guest halted (`--halt`) or running again as it was.
 */
export async function createActiveExternal(drv: DriverContext, d: StoredDomain, s: ActiveStatus, req: ActiveExternalRequest): Promise<void> {
  const reuse = (req.flags & C.REUSE_EXT) !== 0;
  const halt = (req.flags & C.HALT) !== 0;
  const running = s.state === DomainState.RUNNING;
  const quiesce = (req.flags & C.QUIESCE) !== 0;
  if (quiesce) await withAgent(s, (a) => fsFreeze(a, []));
  try {
    await withMonitor(s, async (mon) => {
      // Manual disks are the user's to snapshot once the guest has stopped: it is left paused.
      const manual = req.plan.some((p) => p.snapshot === 'manual');
      const pause = running && (req.memoryFile !== undefined || manual);
      if (pause && (manual || !(req.flags & C.LIVE))) await setRunning(drv, s, mon, false);
      try {
        if (req.memoryFile !== undefined) await saveMemory(s, mon, req.memoryFile, running);
        await snapshotRunningDisks(drv, d, s, mon, req.plan, reuse);
      } catch (e) {
        if (pause) await setRunning(drv, s, mon, true).catch(() => undefined);
        if (req.memoryFile !== undefined) await removeFiles([req.memoryFile]);
        throw e;
      }
      // After a live save QEMU has paused the guest itself: it runs again as after a paused one.
      if (pause && !halt && !manual) await setRunning(drv, s, mon, true);
    });
  } catch (e) {
    if (quiesce) await withAgent(s, fsThaw).catch(() => undefined);
    throw e;
  }
  // A halted guest has nothing left to thaw.
  if (halt) await tearDown(drv, s, DomainShutoffReason.FROM_SNAPSHOT, { detail: DomainEventDetail.STOPPED.FROM_SNAPSHOT });
  else if (quiesce) await withAgent(s, fsThaw).catch((e: unknown) => log.warn(`thaw after snapshot: ${(e as Error).message}`));
}
