import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { readSmallTextIfExists } from '@tsvirt/util';
import type { DriverPaths } from './driver-paths.js';
import { isActiveStatus, type ActiveStatus, type DomainStatus } from './domain-status.js';
import { qemuStore } from './qemu-store.js';

/**
 * The journal of a hotplug in flight: the status as it will be if QEMU takes the change. Every read
 * of a running domain looks for it: a run directory is already a normal path (path.join's
 * normalizing cost 40% of the stat's own time in tsvirtd's profile).
 */
const pendingFile = (s: ActiveStatus): string => `${s.runDir}/pending.json`;

/** Writes a status file atomically (readers see the old or the new one); it supersedes a hotplug journal of the run. */
export async function writeStatus(paths: DriverPaths, status: DomainStatus): Promise<void> {
  await qemuStore(paths).writeStatus(status);
  if (isActiveStatus(status)) await clearPending(status);
}

/**
 * Records a hotplug about to be made, so that a process killed midway leaves a trace the next
 * one settles from QEMU. It lives in the run directory and is not synced: it matters only as
 * long as QEMU runs, and a status write (the one per hotplug) replaces it. Written at once: a
 * few kilobytes take microseconds, where fs/promises' open, write and close are three waits for
 * the thread pool on a loaded machine.
 */
export async function writePending(paths: DriverPaths, status: ActiveStatus): Promise<void> {
  writeFileSync(pendingFile(status), qemuStore(paths).opts.status.serialize(status));
}

/** The journal of an unfinished hotplug of a run, checked like a status file; undefined when there is none. */
export async function readPending(paths: DriverPaths, status: ActiveStatus): Promise<ActiveStatus | undefined> {
  const file = pendingFile(status);
  // The journal exists only while a hotplug is unsettled; a look that finds none is a stat, not a
  // failed read (an exception, eight times a stat's cost), since every read of a running domain looks.
  if (!existsSync(file)) return undefined;
  let text: string | undefined;
  try {
    text = readSmallTextIfExists(file);
  } catch {
    text = undefined;
  }
  if (text === undefined) return undefined;
  try {
    const journal = qemuStore(paths).opts.status.parse(text, file);
    if (isActiveStatus(journal) && journal.name === status.name) return journal;
  } catch {
    // A journal torn by a crash while it was written: the hotplug never reached QEMU.
  }
  return { ...status };
}

/** Removes a run's hotplug journal (at once, as it is written). */
export async function clearPending(status: ActiveStatus): Promise<void> {
  rmSync(pendingFile(status), { force: true });
}
