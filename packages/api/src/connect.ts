import { ErrorCode, ErrorDomain, VirError, defaultURI, parseURI } from '@tsvirt/util';
import type { DriverConnection } from './driver/connection-driver.js';
import { Connection } from './objects/connection.js';
import type { ConnectionDriver } from './driver/connection-driver.js';
import { DRIVER_REGISTRY, REMOTE_PACKAGE, loadDriver } from './registry.js';

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
  const readonly = options.readonly ?? false;
  const ctx = { uri: parsed, readonly, connect: (u: string, o?: ConnectOptions) => connect(u, o) };
  // libvirt's client rule: a URI naming a transport (qemu+ssh://, test+unix://) or a host always
  // goes to a daemon through the remote driver, never to a local driver of the same name.
  if (parsed.transport !== undefined || parsed.host !== undefined) {
    const remote = await loadDriver(REMOTE_PACKAGE);
    if (remote) return openConnection(remote, [], ctx, name);
    if (parsed.transport !== undefined) {
      throw noDriver(name, `the package ${REMOTE_PACKAGE} is not installed; install it to use +${parsed.transport} URIs`);
    }
  }
  const entry = DRIVER_REGISTRY[parsed.driver];
  if (!entry) throw noDriver(name);
  const driver = await loadDriver(entry.package);
  if (!driver) return openThroughLocalDaemon(ctx, name, entry.package);
  if (driver.localOnly && parsed.host !== undefined) {
    throw noDriver(name, `the ${driver.name} driver works only on the local host`);
  }
  return openConnection(driver, entry.secondary, ctx, name);
}

type Context = Parameters<ConnectionDriver['open']>[0];

/**
 * No local driver for the URI: libvirt's client then asks the local daemon, when one listens
 * (the remote driver declines when no daemon socket is there).
 */
async function openThroughLocalDaemon(ctx: Context, name: string, pkg: string): Promise<Connection> {
  const remote = await loadDriver(REMOTE_PACKAGE);
  if (remote) {
    const conn = await openConnection(remote, [], ctx, name).catch((e: unknown) => {
      if (e instanceof VirError && e.code === ErrorCode.NO_CONNECT) return undefined;
      throw e;
    });
    if (conn) return conn;
  }
  const daemon = remote ? 'no libvirt daemon listens on this host' : `${REMOTE_PACKAGE} is not installed to reach a daemon`;
  throw noDriver(name, `the package ${pkg} is not installed and ${daemon}; install ${pkg} to use ${ctx.uri.driver}:// URIs, or ${REMOTE_PACKAGE} with a running libvirtd`);
}

async function openConnection(driver: ConnectionDriver, secondaries: readonly string[], ctx: Context, name: string): Promise<Connection> {
  const readonly = ctx.readonly;
  const main = await driver.open(ctx);
  if (main === 'declined') throw noDriver(name);

  const tables: DriverConnection[] = [main];
  for (const spec of secondaries) {
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
    secret: tables.find((t) => t.secret)?.secret,
    nwfilter: tables.find((t) => t.nwfilter)?.nwfilter,
    events: main.events,
    uri: main.uri ?? name,
    close: async () => {
      await Promise.all(tables.map((t) => t.close()));
    },
  };
  return new Connection(merged, name, readonly);
}
