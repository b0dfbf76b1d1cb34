import { DomainCreateFlags, DomainSnapshotListFlags, DomainUndefineFlags as U, ErrorCode, type Domain } from '@tsvirt/api';
import { isVirError } from '@tsvirt/util';
import { CommandFailed } from '../../vsh/ctl.js';

/** A driver that lacks a flag answers NO_SUPPORT or INVALID_ARG ("unsupported flags"): virsh then retries without it. */
const refusesFlag = (e: unknown): boolean => isVirError(e) && (e.code === ErrorCode.NO_SUPPORT || e.code === ErrorCode.INVALID_ARG);

/**
 * virsh start: with --force-boot, a driver that refuses the flag gets the managed save image
 * removed by hand, then the start without it. With `fds` (--pass-fds) each start is
 * virDomainCreateWithFiles, as virsh's.
 */
export async function startDomain(dom: Domain, flags: number, fds: readonly number[] = []): Promise<void> {
  const create = (f: number): Promise<void> => (fds.length ? dom.createWithFiles(fds, f) : dom.create(f));
  if (flags & DomainCreateFlags.START_FORCE_BOOT) {
    try {
      await create(flags);
      return;
    } catch (e) {
      if (!refusesFlag(e)) throw e;
    }
    if (await dom.hasManagedSaveImage().catch(() => false)) await dom.managedSaveRemove();
    flags &= ~DomainCreateFlags.START_FORCE_BOOT;
  }
  await create(flags);
}

/**
 * virsh undefine: when the driver refuses a flag (and --nvram, which nothing can emulate, was not
 * given), the undefine is done piecewise: the managed save image removed, snapshots of a shut-off
 * domain refused, then the flagless undefine. `fail` wraps the errors virsh reports as its own failure.
 */
export async function undefineDomain(dom: Domain, flags: number, fail: (e: unknown) => Error): Promise<void> {
  const running = await dom.isActive();
  const hasManagedSave = !running && (flags & U.MANAGED_SAVE) !== 0 && (await dom.hasManagedSaveImage().catch(() => false));
  const snapshots = running ? 0 : await dom.snapshotNum().catch(() => 0);
  const withMetadata = snapshots > 0 ? await dom.snapshotNum(DomainSnapshotListFlags.METADATA).catch(() => 0) : 0;
  try {
    await dom.undefine(flags);
    return;
  } catch (e) {
    if (flags === 0 || flags & U.NVRAM || !refusesFlag(e)) throw fail(e);
  }
  if (hasManagedSave) await dom.managedSaveRemove();
  if (snapshots > 0 && !(flags & U.SNAPSHOTS_METADATA)) throw new CommandFailed(`Refusing to undefine while ${snapshots} snapshots exist`);
  if (withMetadata > 0) throw new CommandFailed(`Unable to remove metadata of ${withMetadata} snapshots`);
  try {
    await dom.undefine();
  } catch (e) {
    throw fail(e);
  }
}
