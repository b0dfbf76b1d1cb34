import { statSync } from 'node:fs';
import { domainPart, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, systemError } from '@tsvirt/util';
import type { QemuDisk } from '../devices/qemu-disk.js';
import type { Overlay, PlannedDisk } from './snapshot-disk-plan.js';

const D = ErrorDomain.QEMU;
const unsupported = (text: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, text, D);
const internalError = (text: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, text, D);

/** What the checks of a snapshot's plan need to know of the snapshot and the domain. */
export interface PrepareContext {
  /** `no`, `internal` or `external`. */
  readonly memory: string;
  /** The state the snapshot records (`disk-snapshot` for a disk-only snapshot of a running guest). */
  readonly state: string;
  readonly active: boolean;
  /** REUSE_EXT: the overlays exist already. */
  readonly reuse: boolean;
  readonly dom: DomainDef;
  /** Targets of disks with a block job running. */
  readonly busy: ReadonlySet<string>;
}

/** How libvirt names a disk's storage type in its refusals, a network disk with its protocol. */
function storageKind(disk: QemuDisk, when: 'inactive' | 'active', what: 'internal' | 'external'): string {
  const proto = disk.disk.source?.protocol;
  return disk.type === 'network' ? `${what} ${when} snapshots are not supported on 'network' disks using '${proto ?? 'none'}' protocol`
    : `${what} ${when} snapshots are not supported on '${disk.type}' disks`;
}

/** A local overlay's file as it is now, with libvirt's refusals for a missing reused file or an existing one that would be overwritten. */
function checkOverlayFile(disk: QemuDisk, overlay: Overlay, reuse: boolean): void {
  let st;
  try {
    st = statSync(overlay.path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'ENOENT') throw systemError(`unable to stat for disk ${disk.target}: ${overlay.path}`, err, D);
    if (reuse) throw systemError(`missing existing file for disk ${disk.target}: ${overlay.path}`, err, D);
    return;
  }
  if (!st.isBlockDevice() && st.size > 0 && !reuse) {
    throw unsupported(`external snapshot file for disk ${disk.target} already exists and is not a block device: ${overlay.path}`);
  }
}

/** qemuSnapshotPrepareDiskExternal: the disk and its overlay as the domain's state allows, then the overlay's file. */
function checkExternalDisk(disk: QemuDisk, overlay: Overlay, c: PrepareContext): void {
  if (!c.active) {
    if (disk.type !== 'file' && disk.type !== 'block') throw internalError(storageKind(disk, 'inactive', 'external'));
    if (overlay.type !== 'file' && overlay.type !== 'block') throw internalError(`external inactive snapshots are not supported on '${overlay.type}' disks`);
  } else {
    if (disk.device === 'lun') throw unsupported('external active snapshots are not supported on scsi passthrough devices');
    if (overlay.type !== 'file' && overlay.type !== 'block' && overlay.type !== 'network') {
      throw internalError(`external active snapshots are not supported on '${overlay.type}' disks`);
    }
  }
  if (overlay.type === 'file' || overlay.type === 'block') checkOverlayFile(disk, overlay, c.reuse);
}

/**
 * libvirt's qemuSnapshotPrepare, in its order: each disk's mode checked against the domain's
 * state and storage (an external overlay's format defaulting to qcow2), then the snapshot as a
 * whole (something selected, internal snapshots of every disk, no mixing of internal and
 * external, no internal snapshot beside pflash firmware). Returns the plan with formats filled in.
 */
export function prepareSnapshotPlan(plan: readonly PlannedDisk[], c: PrepareContext): PlannedDisk[] {
  let internal = false;
  let forbidInternal = false;
  let external = 0;
  const out = plan.map((p) => {
    const { disk, snapshot } = p;
    if (snapshot !== 'no' && c.busy.has(disk.target)) throw new VirError(ErrorCode.BLOCK_COPY_ACTIVE, `disk '${disk.target}' already in active block job`, D);
    if (snapshot === 'internal') {
      internal = true;
      if (c.state === 'disk-snapshot' && c.active) throw unsupported(`active qemu domains require external disk snapshots; disk ${disk.target} requested internal`);
      if (!c.active && disk.type !== 'file' && disk.type !== 'block') throw internalError(storageKind(disk, 'inactive', 'internal'));
      const format = disk.disk.driver?.type;
      if (format !== undefined && format !== 'qcow2') throw unsupported(`internal snapshot for disk ${disk.target} unsupported for storage type ${format}`);
      return p;
    }
    if (snapshot === 'external') {
      const overlay = { ...p.overlay!, format: p.overlay?.format ?? 'qcow2' };
      if (overlay.format !== 'qcow2' && overlay.format !== 'qed') throw unsupported(`external snapshot format for disk ${disk.target} is unsupported: ${overlay.format}`);
      checkExternalDisk(disk, overlay, c);
      external++;
      return { ...p, overlay };
    }
    // A manual disk is the user's to snapshot: it is left alone, like one not selected.
    if ((disk.path !== undefined || disk.type === 'network') && !disk.readonly) forbidInternal = true;
    return p;
  });
  if (!internal && !external && c.memory === 'no') throw unsupported('nothing selected for snapshot');
  if ((c.memory === 'internal' && !internal) || (internal && forbidInternal)) {
    throw unsupported('internal and full system snapshots require all disks to be selected for snapshot');
  }
  if (c.state === 'disk-snapshot' && !external) throw unsupported('disk-only snapshots require at least one disk to be selected for snapshot');
  if ((internal && external) || (c.memory === 'internal' && external) || (c.memory === 'external' && internal)) {
    throw unsupported('mixing internal and external targets for a snapshot is not yet supported');
  }
  if (internal && domainPart(c.dom, 'os')?.loader?.type === 'pflash') {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'internal snapshots of a VM with pflash based firmware are not supported', D);
  }
  return out;
}
