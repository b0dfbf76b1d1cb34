import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { BackingLayer } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError, runCommand } from '@tsvirt/util';
import type { Disk } from '../devices/qemu-disk.js';
import type { Overlay, PlannedDisk } from './snapshot-disk-plan.js';

const D = ErrorDomain.QEMU;

/** The image a disk reads now: its path, format and storage type. */
export interface DiskImage {
  readonly path: string;
  readonly format: string;
  readonly type: string;
}

/**
 * A disk's current image as its definition gives it. A running disk must be a local file or
 * block device; at rest an empty one is named as libvirt names it (no path, raw), for qemu-img to refuse.
 */
export function imageOf(d: PlannedDisk, active: boolean): DiskImage {
  const { disk } = d;
  if (!active) return { path: disk.path ?? '', format: disk.format, type: disk.type };
  if (disk.path === undefined || (disk.type !== 'file' && disk.type !== 'block')) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `external snapshots of '${disk.type}' disk ${disk.target} are not supported by this driver`, D);
  }
  return { path: disk.path, format: disk.format, type: disk.type };
}

/** qemu-img as libvirt runs it: found on PATH and named by its full path in messages. */
function qemuImg(): string {
  for (const dir of (process.env['PATH'] ?? '/usr/bin').split(':')) {
    const file = join(dir, 'qemu-img');
    if (dir && existsSync(file)) return file;
  }
  return 'qemu-img';
}

/**
 * Makes an overlay over `backing` with qemu-img as libvirt does: for a running domain `-F`/`-b`
 * (the size is the backing image's), for one at rest libvirt's `-o backing_fmt=,backing_file=`.
 */
export async function createOverlayImage(overlay: Overlay, backing: DiskImage, active: boolean): Promise<void> {
  const format = overlay.format ?? 'qcow2';
  const args = active ? ['create', '-q', '-f', format, '-F', backing.format, '-b', backing.path, overlay.path]
    : ['create', '-f', format, '-o', `backing_fmt=${backing.format},backing_file=${backing.path}`, overlay.path];
  await runCommand(qemuImg(), args, { domain: D });
}

/**
 * Makes the overlays the snapshot does not reuse, in disk order; a failure removes the ones made
 * so far. Returns the paths made (to remove again when a later step fails).
 */
export async function createOverlays(disks: ReadonlyArray<{ overlay: Overlay; image: DiskImage }>, reuse: boolean, active: boolean): Promise<string[]> {
  const made: string[] = [];
  if (reuse) return made;
  try {
    for (const { overlay, image } of disks) {
      await createOverlayImage(overlay, image, active);
      made.push(overlay.path);
    }
  } catch (e) {
    await removeFiles(made);
    throw e;
  }
  return made;
}

export async function removeFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true })));
}

/** A disk moved onto its overlay: the overlay's type, source and format; `below` is its new `<backingStore>` chain (undefined: none written). */
export function onOverlay(overlay: Overlay, below: BackingLayer[] | undefined, index?: number): (d: Disk) => void {
  return (d) => {
    d.type = overlay.type as Disk['type'];
    d.source = { ...(overlay.type === 'block' ? { dev: overlay.path } : { file: overlay.path }), ...(index !== undefined ? { index } : {}) };
    d.driver = { ...d.driver, type: overlay.format ?? 'qcow2' };
    if (below === undefined) delete d.backingStore;
    else d.backingStore = below;
  };
}

/** The image a disk read until now, as the top layer of its overlay's chain, above what was known of its own chain. */
export function chainBelowOverlay(d: Disk): BackingLayer[] {
  const path = d.source?.file ?? d.source?.dev;
  const top: BackingLayer = {
    type: d.type ?? 'file', ...(d.source?.index !== undefined ? { index: d.source.index } : {}),
    ...(d.driver?.type !== undefined ? { format: d.driver.type } : {}), ...(path !== undefined ? { path } : {}),
  };
  const below = d.backingStore;
  return below === undefined ? [{ ...top, open: true }] : [top, ...below];
}
