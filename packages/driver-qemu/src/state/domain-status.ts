import type { InterfacePlug } from '../network/interface-plug.js';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorCode, ErrorDomain, VirError, writeFileAtomic } from '@tsvirt/util';
import type { Sgio } from '../devices/qemu-disk.js';
import { statusFile, type DriverPaths } from './driver-paths.js';
import { STATUS_VERSION, checkStatus } from './status-check.js';

/** One use of a tracked shared device by a domain: what the shared-disk table is rebuilt from. */
export interface SharedDiskUse {
  /** `major:minor` of the device (stat's rdev). */
  readonly key: string;
  /** The host path of the device. */
  readonly path: string;
  /** How the disk is named in messages (its path, or pool and volume). */
  readonly label: string;
  /** What this domain asked for, for `device='lun'` disks. */
  readonly sgio: Sgio | undefined;
  /** The device id of the disk or hostdev in QEMU. */
  readonly alias: string;
}

/**
 * The run state of a domain that is starting or running, kept in a status file so that any
 * process can find and reconnect to its QEMU (libvirt's `<domstatus>`).
 */
export interface ActiveStatus {
  phase: 'starting' | 'active';
  readonly name: string;
  readonly uuid: string;
  readonly id: number;
  state: number;
  reason: number;
  /** QEMU's pid and its start time in /proc (so a reused pid is never mistaken for it). */
  pid: number | undefined;
  pidStart: string | undefined;
  /** The per-run directory: monitor socket, pid file, master key. */
  readonly runDir: string;
  readonly monitor: string;
  /** The live definition. */
  xml: string;
  readonly startPaused: boolean;
  /** Whether the domain has a persistent definition too. */
  persistent: boolean;
  sharedDisks: SharedDiskUse[];
  /** Device ids whose unplug QEMU has not confirmed yet. */
  pendingUnplug: string[];
  /** A device id being plugged by a job that may have died midway. */
  pendingPlug: string | undefined;
  /** The next number for block node names (`libvirt-N-format`). */
  nextNode: number;
  /** The block node number of each disk, by device id. */
  diskNodes: Record<string, number>;
  /** Set while a reboot waits for the guest to power off, so it is reset instead of stopped. */
  fakeReboot: boolean;
  /** The taps and network ports of the domain's `network` and `bridge` interfaces. */
  netPlugs?: InterfacePlug[];
}

/** How a persistent domain last stopped, kept so every process reports the same shutoff reason. */
export interface InactiveStatus {
  readonly phase: 'inactive';
  readonly name: string;
  readonly reason: number;
}

export type DomainStatus = ActiveStatus | InactiveStatus;

/** Whether a status describes a domain that is starting or running. */
export function isActiveStatus(s: DomainStatus | undefined): s is ActiveStatus {
  return s !== undefined && s.phase !== 'inactive';
}

/** Whether a run has something only QEMU can settle: an unfinished plug or unplug, or a reboot waiting for the guest. */
export function hasUnsettledWork(s: ActiveStatus): boolean {
  return s.pendingUnplug.length > 0 || s.pendingPlug !== undefined || s.fakeReboot;
}

/** Reads a domain's status file; undefined when there is none. */
export async function readStatus(paths: DriverPaths, name: string): Promise<DomainStatus | undefined> {
  const file = statusFile(paths, name);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `corrupt status file '${file}': ${(e as Error).message}`, ErrorDomain.QEMU, { cause: e });
  }
  return checkStatus(raw, file, name, paths) as unknown as DomainStatus;
}

const serialise = (status: DomainStatus): string => `${JSON.stringify({ version: STATUS_VERSION, ...status }, null, 1)}\n`;

/**
 * Writes a status file atomically: readers see the old or the new state, never a torn one. It
 * supersedes a hotplug journal of the run.
 */
export async function writeStatus(paths: DriverPaths, status: DomainStatus): Promise<void> {
  await writeFileAtomic(statusFile(paths, status.name), serialise(status), { domain: ErrorDomain.QEMU });
  if (isActiveStatus(status)) await clearPending(status);
}

/** The journal of a hotplug in flight: the status as it will be if QEMU takes the change. */
const pendingFile = (s: ActiveStatus): string => join(s.runDir, 'pending.json');

/**
 * Records a hotplug about to be made, so that a process killed midway leaves a trace the next
 * one settles from QEMU. It lives in the run directory and is not synced: it matters only as
 * long as QEMU runs, and a status write (the one per hotplug) replaces it.
 */
export async function writePending(status: ActiveStatus): Promise<void> {
  await writeFile(pendingFile(status), serialise(status));
}

/** The journal of an unfinished hotplug of a run, checked like a status file; undefined when there is none. */
export async function readPending(paths: DriverPaths, status: ActiveStatus): Promise<ActiveStatus | undefined> {
  const file = pendingFile(status);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) return undefined;
  try {
    return checkStatus(JSON.parse(text), file, status.name, paths) as unknown as ActiveStatus;
  } catch {
    // A journal torn by a crash while it was written: the hotplug never reached QEMU.
    return { ...status };
  }
}

export async function clearPending(status: ActiveStatus): Promise<void> {
  await rm(pendingFile(status), { force: true });
}

export async function removeStatus(paths: DriverPaths, name: string): Promise<void> {
  await rm(statusFile(paths, name), { force: true });
}
