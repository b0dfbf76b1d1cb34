import { ErrorCode, ErrorDomain, VirError, defaultURI, parseURI, type VirURI } from '@tsvirt/util';
import type { ConnectionDriver, DriverConnection, OpenContext } from './driver/connection-driver.js';
import { SECONDARY_KINDS, type DriverKind } from './driver/driver-kinds.js';
import { Connection } from './objects/connection.js';
import { markInternal } from './objects/internal-connection.js';
import { listeningDaemon } from './daemon-socket.js';
import type { ConnectAuth } from './connect-auth.js';
import { REMOTE_PACKAGE, driverEntry, loadDriver, type DriverEntry } from './registry.js';
import { LazySecondaries, tableOf } from './lazy-secondaries.js';

export interface ConnectOptions {
  /** Open read-only: every modifying call fails with OPERATION_DENIED. */
  readonly?: boolean;
  /** Credentials on demand (virConnectOpenAuth): SASL names and passwords for a remote daemon. */
  auth?: ConnectAuth;
  /**
   * The connection serves clients whose calls reach this process through its event loop (tsvirtd):
   * a driver may then trust change notices the kernel queues (inotify) instead of looking at files
   * on every call, since such a notice is handled before any call sent after the change.
   */
  served?: boolean;
}

function noDriver(uri: string, hint?: string): VirError {
  return new VirError(ErrorCode.NO_CONNECT, hint ? `${uri}: ${hint}` : uri, ErrorDomain.NONE);
}

/** A driver's connection as the API holds it: its tables, under the name it was opened with when it names none. */
function named(main: DriverConnection, name: string): DriverConnection {
  const merged: Record<string, unknown> = {
    hypervisor: main.hypervisor,
    events: main.events,
    uri: main.uri ?? name,
    closed: main.closed,
    close: () => main.close(),
  };
  for (const kind of SECONDARY_KINDS) merged[kind] = main[kind];
  if (main.tableForCall) merged.tableForCall = (kind: DriverKind, api: string) => tableOf([main], kind, api);
  return merged as unknown as DriverConnection;
}

/** The hypervisor's connection, its other kinds' tables from the secondaries opened on first use. */
function withLazySecondaries(main: DriverConnection, secondaries: LazySecondaries, name: string): DriverConnection {
  return {
    hypervisor: main.hypervisor,
    events: main.events,
    uri: main.uri ?? name,
    closed: main.closed,
    close: () => secondaries.close(),
    tableForCall: (kind, api) => secondaries.table(kind, api),
  };
}

/** libvirt's remote driver answers a URI with a transport, and a remote host of a local-only driver. */
async function openRemote(name: string, ctx: OpenContext, why: string): Promise<Connection> {
  const remote = await loadDriver(REMOTE_PACKAGE);
  if (!remote) throw noDriver(name, `${why}; install the package ${REMOTE_PACKAGE} to use it`);
  const opened = await remote.open(ctx);
  if (opened === 'declined') throw noDriver(name);
  return new Connection(named(opened, name), name, ctx.readonly);
}

/**
 * A tsvirtd serves the URI's root: the connection goes through it (over `socket`), under the
 * name the caller gave, so direct and daemon access never drive one root's domains at once.
 */
async function openThroughDaemon(name: string, ctx: OpenContext, socket: string): Promise<Connection> {
  const u = ctx.uri;
  const query = new URLSearchParams([...u.query.filter(([k]) => k !== 'socket'), ['socket', socket]] as [string, string][]).toString();
  const remote = await loadDriver(REMOTE_PACKAGE);
  const opened = remote && (await remote.open({ ...ctx, uri: parseURI(`${u.driver}+unix://${u.path}?${query}`) }));
  if (!opened || opened === 'declined') throw noDriver(name, `a tsvirtd listens on ${socket}; install the package ${REMOTE_PACKAGE} to reach it`);
  return new Connection(named({ ...opened, uri: name }, name), name, ctx.readonly);
}

/**
 * No local driver for the URI: libvirt's client then asks the local daemon, when one listens
 * (the remote driver declines when no daemon socket is there).
 */
async function openThroughLocalDaemon(ctx: OpenContext, name: string, pkg: string): Promise<Connection> {
  const remote = await loadDriver(REMOTE_PACKAGE);
  const opened = remote && (await remote.open(ctx).catch((e: unknown) => {
    if (e instanceof VirError && e.code === ErrorCode.NO_CONNECT) return 'declined' as const;
    throw e;
  }));
  if (opened && opened !== 'declined') return new Connection(named(opened, name), name, ctx.readonly);
  const daemon = remote ? 'no libvirt daemon listens on this host' : `${REMOTE_PACKAGE} is not installed to reach a daemon`;
  throw noDriver(name, `the package ${pkg} is not installed and ${daemon}; install ${pkg} to use ${ctx.uri.driver}:// URIs, or ${REMOTE_PACKAGE} with a running libvirtd`);
}

function checkScheme(driver: ConnectionDriver, entry: DriverEntry, uri: VirURI, name: string): void {
  // A driver answers the schemes it names; the registry maps a scheme to it only as a hint.
  if (!driver.schemes.includes(uri.driver.toLowerCase())) {
    throw noDriver(name, `the package ${entry.package} does not provide ${uri.driver}:// URIs (it provides ${driver.schemes.join(', ') || 'none'})`);
  }
}

/**
 * Opens a connection (libvirt's virConnectOpen): the URI's scheme picks the driver package,
 * which is imported only now. Without a URI, `LIBVIRT_DEFAULT_URI` is used. A URI with a
 * transport (`qemu+ssh://`) goes to the remote driver package.
 */
export async function connect(uri?: string, options: ConnectOptions = {}): Promise<Connection> {
  // An empty name is no name, as in libvirt.
  const name = uri || defaultURI();
  if (!name) throw noDriver('the default URI', 'set LIBVIRT_DEFAULT_URI or name a URI such as test:///default');
  const parsed = parseURI(name);
  const readonly = options.readonly ?? false;
  const ctx: OpenContext = { uri: parsed, readonly, auth: options.auth, served: options.served ?? false, connect: async (u: string, o?: ConnectOptions) => markInternal(await connect(u, o)) };
  if (parsed.transport !== undefined) return openRemote(name, ctx, `the transport '${parsed.transport}' needs the remote driver`);
  const daemon = await listeningDaemon(parsed, readonly);
  if (daemon) return openThroughDaemon(name, ctx, daemon);
  // Drivers answer their scheme exactly: libvirt has no `TEST://` driver.
  const entry = parsed.driver === parsed.driver.toLowerCase() ? driverEntry(parsed.driver) : undefined;
  // libvirt's remote driver takes any URI with a host that no local driver claims.
  if (!entry && parsed.host !== undefined) return openRemote(name, ctx, `the host '${parsed.host}' needs the remote driver`);
  if (!entry) throw noDriver(name);
  const driver = await loadDriver(entry.package);
  if (!driver) return openThroughLocalDaemon(ctx, name, entry.package);
  checkScheme(driver, entry, parsed, name);
  if (driver.localOnly && parsed.host !== undefined) {
    return openRemote(name, ctx, `the ${driver.name} driver works only on the local host`);
  }
  const main = await driver.open(ctx);
  if (main === 'declined') throw noDriver(name);
  if (entry.secondary.length === 0) return new Connection(named(main, name), name, readonly);
  return new Connection(withLazySecondaries(main, new LazySecondaries(entry, main, ctx), name), name, readonly);
}
