import { watch, type FSWatcher } from 'node:fs';
import { mkdirSync } from 'node:fs';
import { logger } from '@tsvirt/util';
import { isActive } from '../state/lxc-status.js';
import { loadDomain, withDomainJob } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { reconcile } from './lxc-reconcile.js';

const log = logger('lxc.watch');

/**
 * Watches the state directory for the exit records controllers write, so that a process holding
 * a connection sees a container stop when it happens (its STOPPED event), not at its next look.
 * The watch does not keep the process alive.
 */
export function watchExits(drv: LxcContext): FSWatcher | undefined {
  try {
    mkdirSync(drv.paths.stateDir, { recursive: true });
    const w = watch(drv.paths.stateDir, { persistent: false }, (_event, file) => {
      if (!file?.endsWith('.exit')) return;
      const name = file.slice(0, -'.exit'.length);
      void withDomainJob(drv.paths, name, async () => {
        const d = await loadDomain(drv.paths, name);
        if (isActive(d?.status)) await reconcile(drv, d.status);
      }).catch((e: Error) => log.debug(`domain '${name}': ${e.message}`));
    });
    w.on('error', () => w.close());
    return w;
  } catch (e) {
    log.warn(`cannot watch ${drv.paths.stateDir}: ${(e as Error).message}`);
    return undefined;
  }
}
