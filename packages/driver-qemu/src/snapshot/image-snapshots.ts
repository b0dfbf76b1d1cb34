import { ErrorCode, ErrorDomain, VirError, logger, runCommand } from '@tsvirt/util';
import type { PlannedDisk } from './snapshot-disk-plan.js';

const D = ErrorDomain.QEMU;
const log = logger('qemu.snapshot');

/** `qemu-img snapshot` on an image at rest: create (-c), apply (-a) or delete (-d). */
type Op = '-c' | '-a' | '-d';

/** The disks a shut-off domain's internal snapshot lives in. */
const internalDisks = (plan: readonly PlannedDisk[]): PlannedDisk[] => plan.filter((p) => p.snapshot === 'internal');

async function run(op: Op, name: string, p: PlannedDisk): Promise<void> {
  const format = p.disk.disk.driver?.type;
  if (format !== undefined && format !== 'qcow2') {
    throw new VirError(ErrorCode.OPERATION_INVALID, `Disk device '${p.disk.target}' does not support snapshotting`, D);
  }
  if (p.disk.path === undefined) throw new VirError(ErrorCode.OPERATION_INVALID, `can't manipulate inactive snapshots of disk '${p.disk.target}'`, D);
  await runCommand('qemu-img', ['snapshot', op, name, p.disk.path], { domain: D });
}

/**
 * libvirt's qemuDomainSnapshotForEachQcow2 for create and revert: every internal disk in turn; a
 * failed create deletes the snapshots it already made, so a failure leaves the images as they were.
 */
export async function forEachImage(op: '-c' | '-a', name: string, plan: readonly PlannedDisk[]): Promise<void> {
  const done: PlannedDisk[] = [];
  for (const p of internalDisks(plan)) {
    try {
      await run(op, name, p);
      done.push(p);
    } catch (e) {
      if (op === '-c') for (const q of done) await run('-d', name, q).catch(() => undefined);
      throw e;
    }
  }
}

/** Deletes a snapshot from every image, carrying on past a disk that fails, as libvirt does. */
export async function deleteFromImages(name: string, plan: readonly PlannedDisk[]): Promise<void> {
  for (const p of internalDisks(plan)) {
    await run('-d', name, p).catch((e: unknown) => log.warn(`skipping snapshot action on ${p.disk.target}: ${(e as Error).message}`));
  }
}
