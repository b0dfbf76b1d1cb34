import { parseDomainXML, type DomainDef, type LifecycleAction } from '@tsvirt/conf';
import { DomainRunningReason, DomainState } from '@tsvirt/api';
import type { QmpClient } from '../qmp/qmp-client.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH } from '../state/qemu-store.js';
import type { DriverPaths } from '../state/driver-paths.js';
import { writeStatus } from '../state/run-status.js';

/** What the driver does once QEMU has stopped a guest that powered off, reset or panicked. */
export type LifecycleOutcome = 'destroy' | 'restart' | 'preserve';

/**
 * Tells QEMU what to do on its own before the driver acts: stop at a panic (so on_crash decides)
 * and, for `on_reboot` destroy, turn a guest reset into a shutdown, as libvirt 9 does with
 * `set-action`. A guest power-off already stops QEMU (`-no-shutdown`).
 */
export async function lifecycleSetup(mon: QmpClient, def: DomainDef): Promise<void> {
  await mon.execute('set-action', { panic: 'pause', reboot: def.onReboot === 'destroy' ? 'shutdown' : 'reset' });
}

/** The lifecycle actions of a running domain's live definition. */
export function lifecycleOf(status: ActiveStatus): Pick<DomainDef, 'onPoweroff' | 'onReboot' | 'onCrash'> {
  const def = parseDomainXML(status.xml, { arch: GUEST_ARCH });
  return { onPoweroff: def.onPoweroff, onReboot: def.onReboot, onCrash: def.onCrash };
}

/**
 * Whether QEMU's SHUTDOWN events leave the domain's state alone and are not told: while a reboot
 * asked for is under way, and whenever on_poweroff restarts (a destroy's SIGTERM included), as
 * libvirt 9 does.
 */
export function shutdownSilent(status: ActiveStatus): boolean {
  return status.fakeReboot || outcomeOf(lifecycleOf(status).onPoweroff, false) === 'restart';
}

/**
 * How libvirt 9's QEMU driver carries out an action. For a power-off or reset-as-shutdown only
 * `restart` restarts and everything else kills QEMU; for a crash `preserve` keeps the guest
 * stopped (`rename-restart` is refused at define), and the coredump variants act as their plain
 * forms once the dump is written (`auto-dump.ts`).
 */
export function outcomeOf(action: LifecycleAction, crash: boolean): LifecycleOutcome {
  if (action === 'restart' || action === 'coredump-restart') return 'restart';
  if (crash && (action === 'preserve' || action === 'rename-restart')) return 'preserve';
  return 'destroy';
}

/**
 * libvirt's fake reboot: resets the stopped guest and lets it run again. The caller raises
 * RESUMED and writes the status.
 */
export async function fakeReboot(mon: QmpClient, status: ActiveStatus): Promise<void> {
  const crashed = status.state === DomainState.CRASHED;
  await mon.execute('system_reset');
  await mon.execute('cont');
  status.fakeReboot = false;
  status.state = DomainState.RUNNING;
  status.reason = crashed ? DomainRunningReason.CRASHED : DomainRunningReason.BOOTED;
}

/** Cancels a reboot still waiting for the guest's power-off (a shutdown or destroy asked for since), as libvirt does. */
export async function dropPendingReboot(paths: DriverPaths, status: ActiveStatus): Promise<void> {
  if (!status.fakeReboot) return;
  status.fakeReboot = false;
  await writeStatus(paths, status);
}
