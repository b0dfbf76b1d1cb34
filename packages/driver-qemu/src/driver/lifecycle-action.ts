import { parseDomainXML, type DomainDef, type LifecycleAction } from '@tsvirt/conf';
import { DomainLifecycle, DomainModificationImpact as I } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, type StoredDomain } from '../state/qemu-store.js';
import type { DriverContext } from './driver-context.js';
import { applyChange } from './domain-resources.js';
import { checkLifecycle } from './domain-validate.js';
import { modificationImpact } from './modification-impact.js';
import { withMonitor } from './monitor.js';

/** libvirt's action names by DomainLifecycleAction number. */
const ACTIONS: readonly LifecycleAction[] = ['destroy', 'restart', 'rename-restart', 'preserve', 'coredump-destroy', 'coredump-restart'];
const EVENTS = ['poweroff', 'reboot', 'crash'] as const;
const FIELD = { poweroff: 'onPoweroff', reboot: 'onReboot', crash: 'onCrash' } as const;

/**
 * virDomainSetLifecycleAction as libvirt 9.0's QEMU driver: the action allowed for the event
 * (coredump only on a crash), every definition reached checked as at define time before any
 * changes, then a live `on_reboot` change told to QEMU (`set-action reboot=shutdown|reset`), as
 * the start tells it; the event handlers read the live definition when they act.
 */
export async function setLifecycleAction(drv: DriverContext, d: StoredDomain, type: number, action: number, flags: number): Promise<void> {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainSetLifecycleAction', ErrorDomain.QEMU);
  const event = EVENTS[type]!;
  const name = ACTIONS[action]!;
  if (type !== DomainLifecycle.CRASH && name.startsWith('coredump-')) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `Lifecycle event '${event}' doesn't support '${name}' action`, ErrorDomain.DOMAIN);
  }
  const field = FIELD[event];
  const impact = modificationImpact(d, flags);
  const reached: DomainDef[] = [
    ...(impact.live ? [parseDomainXML((d.status as ActiveStatus).xml, { arch: GUEST_ARCH })] : []),
    ...(impact.config ? [d.persistentDef!] : []),
  ];
  for (const def of reached) checkLifecycle({ onPoweroff: def.onPoweroff, onReboot: def.onReboot, onCrash: def.onCrash, [field]: name });
  let rebootChanged = false;
  await applyChange(drv, d, flags, (def, live) => {
    if (live) rebootChanged = field === 'onReboot' && def.onReboot !== name;
    def[field] = name;
  }, async (s) => {
    if (rebootChanged) await withMonitor(s, (mon) => mon.execute('set-action', { reboot: name === 'destroy' ? 'shutdown' : 'reset' }));
  });
}
