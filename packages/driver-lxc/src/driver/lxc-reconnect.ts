import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { logger } from '@tsvirt/util';
import { isActive } from '../state/lxc-status.js';
import { hasAutostart, listDomainNames, loadActiveStatuses, loadDomain, readStatus, withDomainJob } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { startContainerDomain } from './lxc-start.js';
import { hasEnded, reconcile } from './lxc-reconcile.js';

const log = logger('lxc.reconnect');

/**
 * Reconnects to every container of a root, as libvirt does after a daemon restart: those whose
 * init has exited, or whose start was never finished, are recorded shut off.
 */
export async function reconnectAll(drv: LxcContext): Promise<void> {
  const statuses = await loadActiveStatuses(drv.paths);
  await Promise.all(statuses.map(async (s) => {
    if (s.phase === 'active' && !(await hasEnded(drv, s))) return;
    await withDomainJob(drv.paths, s.name, async () => {
      const fresh = await readStatus(drv.paths, s.name);
      if (isActive(fresh)) await reconcile(drv, fresh);
    }).catch((e: Error) => log.warn(`cannot reconnect to domain '${s.name}': ${e.message}`));
  }));
}

/**
 * Starts the domains marked for autostart that are not running. Without a daemon there is no
 * host boot to hook: the first process that opens the root after a boot (no status left in the
 * state directory, which lives on /run) starts them, once per boot.
 */
export async function autostartAll(drv: LxcContext): Promise<void> {
  const bootMark = join(drv.paths.stateDir, 'autostarted');
  if (existsSync(bootMark)) return;
  await mkdir(drv.paths.stateDir, { recursive: true });
  await writeFile(bootMark, '');
  for (const name of await listDomainNames(drv.paths)) {
    if (!(await hasAutostart(drv.paths, name))) continue;
    await withDomainJob(drv.paths, name, async () => {
      const d = await loadDomain(drv.paths, name);
      if (!d?.persistentDef || isActive(d.status)) return;
      await startContainerDomain(drv, d.persistentDef, { paused: false, persistent: true });
    }).catch((e: Error) => log.warn(`cannot autostart domain '${name}': ${e.message}`));
  }
}
