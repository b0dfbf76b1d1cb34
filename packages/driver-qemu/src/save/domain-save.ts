import { readdirSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainEventDetail, DomainEventType, DomainSaveRestoreFlags, DomainShutoffReason, DomainState } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DriverContext } from '../driver/driver-context.js';
import { tearDown } from '../driver/domain-stop.js';
import { withMonitor } from '../driver/monitor.js';
import type { ActiveStatus } from '../state/domain-status.js';
import type { DriverPaths } from '../state/driver-paths.js';
import { beginSaveImage, finishSaveImage } from './save-image.js';
import { migrateToFile } from './migration-stream.js';

const F = DomainSaveRestoreFlags;
/** The flags save and restore take from this driver (no cache bypass: QEMU writes through this process). */
export const SAVE_FLAGS = F.RUNNING | F.PAUSED;

/** Where a domain's managed save image lives (libvirt: `<libDir>/save/<name>.save`). */
export function managedSavePath(paths: DriverPaths, name: string): string {
  return join(paths.libDir, 'save', `${name}.save`);
}

/** The domains that have a managed save image, from one look at the directory: a listing asks of every domain. */
export function managedSaveNames(paths: DriverPaths): Set<string> {
  const suffix = '.save';
  try {
    const files = readdirSync(join(paths.libDir, 'save'), { withFileTypes: true });
    return new Set(files.filter((f) => f.isFile() && f.name.endsWith(suffix)).map((f) => f.name.slice(0, -suffix.length)));
  } catch {
    return new Set();
  }
}

/** Whether a domain has a managed save image. */
export async function hasManagedSave(paths: DriverPaths, name: string): Promise<boolean> {
  // a stat at once, not through the thread pool: a listing asks it of every domain
  try {
    return statSync(managedSavePath(paths, name), { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

/** Whether a restored guest runs: as asked, else as it was when saved. */
export function runsAfterRestore(flags: number, wasRunning: boolean): boolean {
  if (flags & F.RUNNING) return true;
  if (flags & F.PAUSED) return false;
  return wasRunning;
}

/**
 * Saves a running domain's memory to `path` and stops it, as libvirt's QEMU driver does: the
 * guest is paused, the image begins with libvirt's header and the domain XML, QEMU migrates its
 * state into it, and the domain shuts off (saved). A failure removes the image and lets the
 * guest run again as it was. The caller holds the domain's job lock.
 */
export async function saveDomain(drv: DriverContext, s: ActiveStatus, path: string, dxml: string | undefined, flags: number, fn: string): Promise<void> {
  checkFlags(flags, SAVE_FLAGS, fn, ErrorDomain.QEMU);
  if ((flags & F.RUNNING) && (flags & F.PAUSED)) {
    throw new VirError(ErrorCode.INVALID_ARG, "Flags 'running' and 'paused' are mutually exclusive", ErrorDomain.QEMU);
  }
  const wasRunning = runsAfterRestore(flags, s.state === DomainState.RUNNING);
  const { file, offset } = await beginSaveImage(path, dxml ?? s.xml, wasRunning);
  try {
    const ref = { name: s.name, uuid: s.uuid, id: s.id };
    await withMonitor(s, async (mon) => {
      // libvirt tells the pause for the save, and the resume when the save fails.
      if (s.state === DomainState.RUNNING) {
        await mon.execute('stop');
        drv.events.raise(ref, DomainEventType.SUSPENDED, DomainEventDetail.SUSPENDED.PAUSED);
      }
      try {
        await migrateToFile(mon, join(s.runDir, 'save.sock'), file, offset);
      } catch (e) {
        if (s.state === DomainState.RUNNING) {
          await mon.execute('cont').then(() => drv.events.raise(ref, DomainEventType.RESUMED, DomainEventDetail.RESUMED.UNPAUSED), () => undefined);
        }
        throw e;
      }
    });
    await finishSaveImage(file);
  } catch (e) {
    await file.close().catch(() => undefined);
    await rm(path, { force: true });
    throw e;
  }
  await tearDown(drv, s, DomainShutoffReason.SAVED, { detail: DomainEventDetail.STOPPED.SAVED });
}
