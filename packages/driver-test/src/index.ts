import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, withOpenedQuery } from '@tsvirt/util';
import { DEFAULT_NODE_INFO } from './default-config.js';
import { defaultDomainDef } from './default-domain.generated.js';
import { loadNodeConfig } from './node-config.js';
import { TestHost } from './test-host.js';
import { TestHypervisor } from './test-hypervisor.js';
import { TestStorage } from './storage/test-storage.js';
import { addDefaultPool } from './storage/config-pools.js';
import { addDefaultHostObjects } from './default-host-objects.js';
import { TestNetworkDriver } from './network/test-network-driver.js';
import { TestInterfaceDriver } from './interface/test-interface-driver.js';
import { TestNodeDeviceDriver } from './nodedev/test-nodedev-driver.js';

let defaultHost: TestHost | undefined;
/** Open connections to `test:///default`: the host lives while one is open, as libvirt's refcount. */
let defaultUsers = 0;

/**
 * libvirt's default host: the domain `test` running, its pool, network, interface and devices. The
 * domain's model is prebuilt: parsing its XML was most of a `test:///default` connection's cost.
 */
function makeDefaultHost(): TestHost {
  const host = new TestHost(DEFAULT_NODE_INFO);
  const { obj } = host.add(defaultDomainDef(), true, false);
  host.start(obj, false, 0);
  host.pools.seed.set(addDefaultPool);
  addDefaultHostObjects(host);
  return host;
}

/**
 * `test:///default`: one host per process, shared by every open connection; when the last one
 * closes it is dropped, so the next connection starts from the default state again, as in
 * libvirt (a daemon serving one client after another gives each a fresh host).
 */
function getDefaultHost(): TestHost {
  defaultHost ??= makeDefaultHost();
  return defaultHost;
}

/**
 * The last connection closed: the next one's fresh host is made once the process is idle, not
 * while that client waits for its CONNECT_OPEN (tsvirtd answers virsh's connections one after
 * another). Unreferenced, so a process that is done exits without making it.
 */
function prepareNextDefaultHost(): void {
  setImmediate(() => {
    if (defaultUsers === 0) defaultHost ??= makeDefaultHost();
  }).unref();
}

/** The mock hypervisor driver for `test:///default` and `test:///ABS/PATH.xml`. */
export const driver = {
  name: 'Test',
  schemes: ['test'],
  localOnly: true,
  async open(ctx): Promise<DriverConnection | 'declined'> {
    if (ctx.uri.driver !== 'test') return 'declined';
    const { path } = ctx.uri;
    if (path === '/' || path === '') {
      throw new VirError(ErrorCode.INVALID_ARG, 'testOpen: supply a path or use test:///default', ErrorDomain.TEST);
    }
    const isDefault = path === '/default';
    const host = isDefault ? getDefaultHost() : loadNodeConfig(path);
    if (isDefault) defaultUsers++;
    let closed = false;
    return {
      hypervisor: new TestHypervisor(host),
      storage: new TestStorage(host.pools),
      network: new TestNetworkDriver(host.networks),
      interface: new TestInterfaceDriver(host.interfaces),
      nodeDevice: new TestNodeDeviceDriver(host.nodeDevices),
      events: host.events,
      // As libvirt prints it back: `test:/default` is `test:///default`, the query kept.
      uri: withOpenedQuery(`test://${path}`, ctx.uri),
      close: async () => {
        if (!isDefault || closed) return;
        closed = true;
        if (--defaultUsers > 0) return;
        defaultHost = undefined;
        prepareNextDefaultHost();
      },
    };
  },
} satisfies ConnectionDriver;

export { TestHost } from './test-host.js';
export { TestHypervisor } from './test-hypervisor.js';
