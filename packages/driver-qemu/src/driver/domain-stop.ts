import { unplugInterfaces } from '../network/interface-plug.js';
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DomainEventDetail, DomainEventType, DomainState } from '@tsvirt/api';
import { killQemu } from '../process/qemu-kill.js';
import { processStartTime } from '@tsvirt/util';
import { removeHugepageDirs } from '../process/hugetlbfs.js';
import { removeTpmState, stopTpmEmulators } from '../tpm/swtpm-emulator.js';
import { stopVirtiofsds } from '../process/virtiofsd.js';
import { parseDomainXML } from '@tsvirt/conf';
import { GUEST_ARCH } from '../state/qemu-store.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { writeStatus } from '../state/run-status.js';
import { qemuStore } from '../state/qemu-store.js';
import type { DriverContext } from './driver-context.js';
import { removeAllSnapshots } from '../snapshot/snapshot-store.js';
import { shutdownSilent } from '../events/lifecycle-actions.js';

/** The pid file in a run directory. */
export const pidFileIn = (runDir: string): string => join(runDir, 'qemu.pid');

/** QEMU's pid as the status knows it, or from its pid file when the starter died before recording it. */
async function qemuPid(status: ActiveStatus): Promise<{ pid: number; start: string | undefined } | undefined> {
  if (status.pid !== undefined) return { pid: status.pid, start: status.pidStart };
  const pid = Number((await readFile(pidFileIn(status.runDir), 'utf8').catch(() => '')).trim());
  return Number.isInteger(pid) && pid > 0 ? { pid, start: await processStartTime(pid) } : undefined;
}

/** A destroy's SHUTDOWN (host) event, unless the domain was told shutting down already (a guest's own power-off). */
export function announceHostShutdown(drv: DriverContext, s: { name: string; uuid: string; id: number }): void {
  if (drv.events.told(s.uuid) !== DomainState.SHUTDOWN) drv.events.raise({ name: s.name, uuid: s.uuid, id: s.id }, DomainEventType.SHUTDOWN, DomainEventDetail.SHUTDOWN.HOST);
}

/**
 * Ends a run: QEMU is stopped if it still lives, its run directory removed, and the status
 * file either records how a persistent domain stopped or goes away (which also drops the
 * domain's rows from the shared-disk table). Without a `reason` (a start that failed) nothing
 * of the run is left. `event` is raised when given; with `hostShutdown` (a destroy) a QEMU that
 * went on SIGTERM is first told as `SHUTDOWN` (host), as libvirt tells the SHUTDOWN event
 * QEMU sends then, unless the domain was told shutting down already or its shutdowns are silent.
 */
export async function tearDown(
  drv: DriverContext,
  status: ActiveStatus,
  reason: number | undefined,
  event?: { detail: number; hostShutdown?: boolean },
): Promise<void> {
  const proc = await qemuPid(status);
  const outcome = proc ? await killQemu(proc.pid, proc.start) : 'gone';
  // Whether shutdowns are silent takes a parse of the live definition: only worked out for listeners.
  if (event?.hostShutdown && outcome === 'terminated' && drv.events.wanted && !shutdownSilent(status)) announceHostShutdown(drv, status);
  // Helpers run only with the devices that start them: each look is a read of the run directory.
  if (status.xml.includes('<tpm')) await stopTpmEmulators(status.runDir);
  if (status.xml.includes('virtiofs')) await stopVirtiofsds(status.runDir);
  await unplugInterfaces((fn) => drv.withConnection(fn), status.netPlugs ?? []);
  // A handful of small files: removed at once rather than through the thread pool, a hop per file.
  rmSync(status.runDir, { recursive: true, force: true });
  if (status.xml.includes('<hugepages')) await removeHugepageDirs(status.id, status.name);
  // A transient domain's TPM state goes with it unless it asks to be kept.
  if (!status.persistent && status.xml.includes('<tpm')) await removeTpmState(drv.paths, status.uuid, parseDomainXML(status.xml, { arch: GUEST_ARCH }).devices);
  if (status.persistent && reason !== undefined) await writeStatus(drv.paths, { phase: 'inactive', name: status.name, reason });
  else await qemuStore(drv.paths).removeStatus(status.name);
  // A transient domain's snapshot metadata and descriptor groups go with it, as libvirt's do.
  if (!status.persistent) await removeAllSnapshots(drv.paths, status.name);
  if (!status.persistent) drv.fdGroups.forget(status.uuid);
  if (event) drv.events.raise({ name: status.name, uuid: status.uuid, id: -1 }, DomainEventType.STOPPED, event.detail);
}
