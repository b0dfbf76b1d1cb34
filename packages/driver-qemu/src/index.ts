import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';
import { logger, withOpenedQuery } from '@tsvirt/util';
import { DriverContext } from './driver/driver-context.js';
import { isSettled, reconcile } from './driver/domain-reconnect.js';
import { noteSettledAtOpen } from './driver/settled-at-open.js';
import { QemuHypervisor } from './qemu-hypervisor.js';
import { pathsForURI } from './state/driver-paths.js';
import { isActiveStatus } from './state/domain-status.js';
import { qemuStore } from './state/qemu-store.js';
import { domainCache } from './state/domain-cache.js';

const log = logger('qemu.driver');

/** Driver instances of this process, by root URI, each reconnected to its running domains once. */
const instances = new Map<string, Promise<DriverContext>>();
/**
 * The instance whose reconnect is running in this async context: a connection opened from inside
 * it (a dead domain's network ports given back through the public API) gets that instance at once
 * instead of waiting for the reconnect that waits for it.
 */
const reconnecting = new AsyncLocalStorage<DriverContext>();
/** Reconciles running now: the context is disabled (Node stops tracking promises) once none runs. */
let reconciles = 0;

/**
 * Reconnects to every running domain of a root, as libvirt does after a daemon restart: each
 * status is checked against its QEMU's pid, start time and run-state log (no monitor handshake
 * unless something is unsettled), dead ones are cleaned up, unfinished starts undone and
 * pending hotplugs settled. The async context that lets those clean-ups open connections to this
 * root is entered only when one is needed: once entered, Node tracks every promise of the process.
 */
async function reconnectAll(drv: DriverContext): Promise<void> {
  // Lent on to the listing or lookup that follows: its reads of these files are not made again.
  const statuses = await qemuStore(drv.paths).lendActiveStatuses();
  const settled = await Promise.all(statuses.map((s) => isSettled(drv, s)));
  noteSettledAtOpen(statuses.filter((_, i) => settled[i]));
  const open = statuses.filter((_, i) => !settled[i]);
  if (open.length === 0) return;
  reconciles++;
  try {
    await reconnecting.run(drv, () => Promise.all(open.map((s) => qemuStore(drv.paths).withDomainJob(s.name, async () => {
      const fresh = await qemuStore(drv.paths).readStatus(s.name);
      if (isActiveStatus(fresh)) await reconcile(drv, fresh, true);
    }).catch((e) => log.warn(`cannot reconnect to domain '${s.name}': ${(e as Error).message}`)))));
  } finally {
    // A daemon restarted with domains to reconcile would otherwise track promises for good.
    if (--reconciles === 0) reconnecting.disable();
  }
}

/** The QEMU/KVM driver: real QEMU processes driven through QMP, for qemu:///system, qemu:///session and qemu:///embed?root=DIR. */
export const driver = {
  name: 'QEMU',
  schemes: ['qemu'],
  localOnly: true,
  state: {
    async stateInitialize() {},
    async stateCleanup() {
      instances.clear();
    },
  },
  async open(ctx): Promise<DriverConnection | 'declined'> {
    const paths = pathsForURI(ctx.uri);
    if (paths === 'declined') return 'declined';
    const inner = reconnecting.getStore();
    let drv = inner?.paths.uri === paths.uri ? Promise.resolve(inner) : instances.get(paths.uri);
    if (!drv) {
      const made = new DriverContext(paths, ctx.connect);
      drv = reconnectAll(made).then(() => made);
      drv.catch(() => instances.delete(paths.uri));
      instances.set(paths.uri, drv);
    }
    const ready = await drv;
    if (ctx.served) domainCache(ready.paths).watchDirs();
    const hypervisor = new QemuHypervisor(ready);
    return {
      hypervisor,
      events: ready.events,
      uri: withOpenedQuery(paths.uri, ctx.uri),
      // the descriptor groups this connection associated go with it, as libvirt's
      close: async () => ready.fdGroups.release(hypervisor),
    };
  },
} satisfies ConnectionDriver;

export { QemuHypervisor } from './qemu-hypervisor.js';
export { QmpClient } from './qmp/qmp-client.js';
export type { QmpEvent, QmpReply } from './qmp/qmp-types.js';
export { buildCommandLine, type CommandContext } from './command/qemu-command.js';
export { pathsForURI, type DriverPaths } from './state/driver-paths.js';
