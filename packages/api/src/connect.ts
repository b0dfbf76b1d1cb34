import { ErrorCode, ErrorDomain, VirError, defaultURI, parseURI } from '@tsvirt/util';
import type { DriverConnection } from './driver/connection-driver.js';
import { SECONDARY_KINDS } from './driver/driver-kinds.js';
import { Connection } from './objects/connection.js';
import { DRIVER_REGISTRY, loadDriver } from './registry.js';

export interface ConnectOptions {
  /** Open read-only: every modifying call fails with OPERATION_DENIED. */
  readonly?: boolean;
}

function noDriver(uri: string, hint?: string): VirError {
  return new VirError(ErrorCode.NO_CONNECT, hint ? `${uri}: ${hint}` : uri, ErrorDomain.NONE);
}

/** One connection of every kind's first provider: the hypervisor driver's own table, then its secondaries'. */
function mergeTables(main: DriverConnection, tables: readonly DriverConnection[], name: string): DriverConnection {
  const merged: Record<string, unknown> = {
    hypervisor: main.hypervisor,
    events: main.events,
    uri: main.uri ?? name,
    close: async () => {
      await Promise.all(tables.map((t) => t.close()));
    },
  };
  for (const kind of SECONDARY_KINDS) merged[kind] = tables.find((t) => t[kind])?.[kind];
  return merged as unknown as DriverConnection;
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
    if (SECONDARY_KINDS.every((k) => tables.some((t) => t[k]))) break;
    const secondary = await loadDriver(spec);
    const opened = secondary && (await secondary.open(ctx));
    if (opened && opened !== 'declined') tables.push(opened);
  }
  const merged = mergeTables(main, tables, name);
  return new Connection(merged, name, readonly);
}
