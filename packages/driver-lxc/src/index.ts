import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';
import { logger } from '@tsvirt/util';
import { LxcContext } from './driver/lxc-context.js';
import { watchExits } from './driver/exit-watcher.js';
import { autostartAll, reconnectAll } from './driver/lxc-reconnect.js';
import { LxcHypervisor } from './lxc-hypervisor.js';
import { pathsForURI } from './state/lxc-paths.js';

const log = logger('lxc.driver');

/** Driver instances of this process, by root URI, each reconnected to its containers once. */
const instances = new Map<string, Promise<LxcContext>>();

/** The LXC driver: containers made of namespaces and cgroups, for lxc:///system and lxc:///embed?root=DIR. */
export const driver = {
  name: 'LXC',
  schemes: ['lxc'],
  localOnly: true,
  state: {
    async stateInitialize() {},
    async stateCleanup() {
      for (const i of instances.values()) void i.then((c) => c.exitWatch?.close(), () => undefined);
      instances.clear();
    },
  },
  async open(ctx): Promise<DriverConnection | 'declined'> {
    const paths = pathsForURI(ctx.uri);
    if (paths === 'declined') return 'declined';
    let drv = instances.get(paths.uri);
    if (!drv) {
      const made = new LxcContext(paths, ctx.connect);
      drv = reconnectAll(made).then(async () => {
        await autostartAll(made).catch((e: Error) => log.warn(`autostart: ${e.message}`));
        made.exitWatch = watchExits(made);
        return made;
      });
      drv.catch(() => instances.delete(paths.uri));
      instances.set(paths.uri, drv);
    }
    const ready = await drv;
    return { hypervisor: new LxcHypervisor(ready), events: ready.events, uri: paths.uri, close: async () => undefined };
  },
} satisfies ConnectionDriver;

export { LxcHypervisor } from './lxc-hypervisor.js';
export { pathsForURI, type LxcPaths } from './state/lxc-paths.js';
export { containerSpec, type ContainerSpec } from './conf/container-spec.js';
