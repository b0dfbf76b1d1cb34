import { ErrorCode, ErrorDomain, VirError, defaultURI, parseURI } from '@tsvirt/util';
import type { DriverConnection } from './driver/connection-driver.js';
import { Connection } from './objects/connection.js';
import { DRIVER_REGISTRY, loadDriver } from './registry.js';

export interface ConnectOptions {
  /** Open read-only: every modifying call fails with OPERATION_DENIED. */
  readonly?: boolean;
}

function noDriver(uri: string, hint?: string): VirError {
  return new VirError(ErrorCode.NO_CONNECT, hint ? `${uri}: ${hint}` : uri, ErrorDomain.NONE);
}

/**
 * Opens a connection (libvirt's virConnectOpen): the URI's scheme picks the driver package,
 * which is imported only now. Without a URI, `LIBVIRT_DEFAULT_URI` is used.
 */
export async function connect(uri?: string, options: ConnectOptions = {}): Promise<Connection> {
  const name = uri ?? defaultURI();
  if (!name) throw noDriver('the default URI', 'set LIBVIRT_DEFAULT_URI or name a URI such as test:///default');
  const parsed = parseURI(name);
  const entry = DRIVER_REGISTRY[parsed.driver];
  if (!entry) throw noDriver(name);
  const driver = await loadDriver(entry.package);
  if (!driver) throw noDriver(name, `the package ${entry.package} is not installed; install it to use ${parsed.driver}:// URIs`);
  if (driver.localOnly && parsed.host !== undefined) {
    throw noDriver(name, `the ${driver.name} driver works only on the local host`);
  }
  const readonly = options.readonly ?? false;
  const ctx = { uri: parsed, readonly, connect: (u: string, o?: ConnectOptions) => connect(u, o) };
  const main = await driver.open(ctx);
  if (main === 'declined') throw noDriver(name);

  const tables: DriverConnection[] = [main];
  for (const spec of entry.secondary) {
    if (main.network && main.storage) break;
    const secondary = await loadDriver(spec);
    const opened = secondary && (await secondary.open(ctx));
    if (opened && opened !== 'declined') tables.push(opened);
  }
  const merged: DriverConnection = {
    hypervisor: main.hypervisor,
    network: tables.find((t) => t.network)?.network,
    storage: tables.find((t) => t.storage)?.storage,
    interface: tables.find((t) => t.interface)?.interface,
    nodeDevice: tables.find((t) => t.nodeDevice)?.nodeDevice,
    events: main.events,
    uri: main.uri ?? name,
    close: async () => {
      await Promise.all(tables.map((t) => t.close()));
    },
  };
  return new Connection(merged, name, readonly);
}
