import { AsyncLocalStorage } from 'node:async_hooks';
import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';
import { logger, withOpenedQuery } from '@tsvirt/util';
import { LxcContext } from './driver/lxc-context.js';
import { watchExits } from './driver/exit-watcher.js';
import { autostartAll, reconnectAll } from './driver/lxc-reconnect.js';
import { LxcHypervisor } from './lxc-hypervisor.js';
import { pathsForURI } from './state/lxc-paths.js';

const log = logger('lxc.driver');

/** Driver instances of this process, by root URI, each reconnected to its containers once. */
const instances = new Map<string, { ctx: LxcContext; ready: Promise<void> }>();
/**
 * The root whose reconnect and autostart are running. They open the root themselves (to give a
 * network port back, or take one): such an open must not wait for the work it is part of.
 */
const settling = new AsyncLocalStorage<string>();

/** The LXC driver: containers made of namespaces and cgroups, for lxc:///system and lxc:///embed?root=DIR. */
export const driver = {
  name: 'LXC',
  schemes: ['lxc'],
  localOnly: true,
  state: {
    async stateInitialize() {},
    async stateCleanup() {
      for (const i of instances.values()) void i.ready.then(() => i.ctx.exitWatch?.close(), () => undefined);
      instances.clear();
    },
  },
  async open(opening): Promise<DriverConnection | 'declined'> {
    const paths = pathsForURI(opening.uri);
    if (paths === 'declined') return 'declined';
    let inst = instances.get(paths.uri);
    if (!inst) {
      const ctx = new LxcContext(paths, opening.connect);
      const ready = settling.run(paths.uri, () => reconnectAll(ctx).then(async () => {
        await autostartAll(ctx).catch((e: Error) => log.warn(`autostart: ${e.message}`));
        ctx.exitWatch = watchExits(ctx);
      }));
      ready.catch(() => instances.delete(paths.uri));
      inst = { ctx, ready };
      instances.set(paths.uri, inst);
    }
    if (settling.getStore() !== paths.uri) await inst.ready;
    const { ctx } = inst;
    return { hypervisor: new LxcHypervisor(ctx), events: ctx.events, uri: withOpenedQuery(paths.shown ?? paths.uri, opening.uri), close: async () => undefined };
  },
} satisfies ConnectionDriver;

export { LxcHypervisor } from './lxc-hypervisor.js';
export { pathsForURI, type LxcPaths } from './state/lxc-paths.js';
export { containerSpec, type ContainerSpec } from './conf/container-spec.js';
