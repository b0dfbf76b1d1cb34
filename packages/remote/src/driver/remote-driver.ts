/**
 * The remote connection driver (libvirt's remote_driver): opens the transport, authenticates,
 * opens the connection on the daemon under the URI's name, and serves every API entry point as a
 * remote procedure.
 */
import {
  ConnectCloseReason, type ConnectionDriver, type DriverConnection, type DriverKind, type DriverTables, type HypervisorDriver, type InterfaceDriver, type NetworkDriver,
  type NodeDeviceDriver, type NWFilterDriver, type OpenContext, type SecretDriver, type StorageDriver,
} from '@tsvirt/api';
import { uriParam, type VirURI } from '@tsvirt/util';
import { RpcClient, type KeepaliveOptions } from '../client/rpc-client.js';
import { localDaemonListens, openTransport, transportOf } from '../client/transport.js';
import { authenticate } from '../client/auth.js';
import {
  REMOTE_PROC_CONNECT_CLOSE,
  REMOTE_PROC_CONNECT_OPEN,
  REMOTE_PROC_CONNECT_SUPPORTS_FEATURE,
} from '../generated/remote-protocol.js';
import { remote_program } from '../protocol/programs.js';
import { entryPointTable, type RemoteCall } from './entry-points.js';
import { domainEvents } from './events.js';
import { overrides, type DaemonFeatures } from './overrides.js';

/** VIR_DRV_FEATURE_PROGRAM_KEEPALIVE: the server answers keepalive pings. */
const FEATURE_KEEPALIVE = 10;
/** VIR_DRV_FEATURE_TYPED_PARAM_STRING: the daemon's driver takes string typed parameters. */
const FEATURE_TYPED_PARAM_STRING = 9;
/** VIR_DRV_FEATURE_REMOTE_CLOSE_CALLBACK: the daemon relays its driver connection's close. */
const FEATURE_REMOTE_CLOSE_CALLBACK = 15;
/** VIR_DRV_FEATURE_MIGRATION_PARAMS: the daemon's driver runs the five *3_PARAMS migration phases. */
const FEATURE_MIGRATION_PARAMS = 13;
/** VIR_DRV_FEATURE_MIGRATE_CHANGE_PROTECTION: the source's job spans Begin to Confirm when asked. */
const FEATURE_MIGRATE_CHANGE_PROTECTION = 7;
/** VIR_CONNECT_RO. */
const CONNECT_RO = 1;

/** URI parameters the client consumes; the rest go to the daemon with the name. */
const CLIENT_PARAMS = new Set([
  'name', 'command', 'socket', 'auth', 'sshauth', 'netcat', 'keyfile', 'no_verify', 'no_tty', 'pkipath',
  'known_hosts', 'known_hosts_verify', 'tls_priority', 'mode', 'proxy', 'keepalive_interval', 'keepalive_count',
]);

/** The URI the daemon opens: `name=` when given, else the URI without transport, host and client parameters. */
export function daemonURI(uri: VirURI): string {
  const given = uriParam(uri, 'name');
  if (given !== undefined) return given;
  const rest = uri.query.filter(([k]) => !CLIENT_PARAMS.has(k));
  const query = rest.length ? `?${new URLSearchParams(rest as [string, string][]).toString()}` : '';
  return `${uri.driver}://${(uri.path === '/' || uri.path === '') && !query ? '/' : uri.path}${query}`;
}

function keepaliveOf(uri: VirURI): KeepaliveOptions {
  const num = (k: string, d: number) => {
    const v = uriParam(uri, k);
    return v === undefined ? d : Number(v);
  };
  return { interval: num('keepalive_interval', 5), count: num('keepalive_count', 5) };
}

async function open(ctx: OpenContext): Promise<DriverConnection | 'declined'> {
  const { uri } = ctx;
  // without a transport and a host, the URI reached us because no local driver is installed:
  // libvirt's client then tries the local daemon, when one listens
  if (uri.transport === undefined && uri.host === undefined && !localDaemonListens(uri)) return 'declined';
  const sock = await openTransport(uri, ctx.readonly, daemonURI(uri), ctx.auth);
  const client = new RpcClient(sock, keepaliveOf(uri));
  const send: RemoteCall = (proc, args) => client.call(remote_program, proc, args);
  // libvirtd may run one client's calls in parallel: a call made after domainEvents() waits until
  // the daemon has registered the callback, so the events it causes are not missed
  let registering: Promise<unknown> | undefined;
  const call: RemoteCall = (proc, args) => (registering ? registering.then(() => send(proc, args), () => send(proc, args)) : send(proc, args));
  const awaitRegistration = (p: Promise<unknown>): void => {
    registering = p;
    const done = (): void => {
      if (registering === p) registering = undefined;
    };
    p.then(done, done);
  };
  const supports = async (feature: number) =>
    ((await call(REMOTE_PROC_CONNECT_SUPPORTS_FEATURE, { feature, flags: 0 })) as { supported: number }).supported === 1;
  let features: DaemonFeatures = { stringParams: false, closeCallback: false, migrationParams: false, changeProtection: false };
  try {
    await authenticate(client, uri, transportOf(uri), ctx.auth);
    // pipelined: the keepalive question, the open, then what the opened driver supports
    const [keepalive] = await Promise.all([
      supports(FEATURE_KEEPALIVE),
      call(REMOTE_PROC_CONNECT_OPEN, { name: daemonURI(uri), flags: ctx.readonly ? CONNECT_RO : 0 }),
    ]);
    const [stringParams, closeCallback, migrationParams, changeProtection] = await Promise.all(
      [FEATURE_TYPED_PARAM_STRING, FEATURE_REMOTE_CLOSE_CALLBACK, FEATURE_MIGRATION_PARAMS, FEATURE_MIGRATE_CHANGE_PROTECTION].map(supports));
    features = { stringParams: stringParams!, closeCallback: closeCallback!, migrationParams: migrationParams!, changeProtection: changeProtection! };
    if (keepalive) client.startKeepalive();
  } catch (e) {
    client.close();
    throw e;
  }
  // one table answers every kind: the API asks each kind's table for that kind's entry points only
  type AllKinds = HypervisorDriver & NetworkDriver & StorageDriver & InterfaceDriver & NodeDeviceDriver & SecretDriver & NWFilterDriver;
  const served = overrides(client, features);
  const table = entryPointTable<AllKinds>(call, served, () => true);
  // one table per public call, made on its first use
  const perCall = new Map<string, AllKinds>();
  const tableForCall = <K extends DriverKind>(_kind: K, api: string): DriverTables[K] => {
    let t = perCall.get(api);
    if (!t) perCall.set(api, (t = entryPointTable<AllKinds>(call, served, () => true, api)));
    return t as unknown as DriverTables[K];
  };
  const closed = new Promise<ConnectCloseReason>((resolve) => client.onClose((_e, reason) => {
    if (reason !== ConnectCloseReason.CLIENT) resolve(reason);
  }));
  return {
    hypervisor: table,
    network: table,
    storage: table,
    interface: table,
    nodeDevice: table,
    secret: table,
    nwfilter: table,
    tableForCall,
    events: domainEvents(client, send, awaitRegistration),
    uri: uri.raw,
    closed,
    async close() {
      if (!client.alive) return;
      client.closing();
      await call(REMOTE_PROC_CONNECT_CLOSE).catch(() => undefined);
      client.close();
    },
  };
}

/** The remote driver, as the registry loads it. */
export const driver = {
  name: 'remote',
  schemes: [],
  localOnly: false,
  open,
} satisfies ConnectionDriver;
