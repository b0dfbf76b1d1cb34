import { LIB_VERSION, hasMigrationPhases } from '@tsvirt/api';
import { remote } from '@tsvirt/remote/protocol';
import { ErrorCode, VirError } from '@tsvirt/util';
import type { RemoteHandlers } from '../handler-table.js';

const P = remote;

/** libvirt's virDrvFeature numbers that the server itself answers. */
const Feature = {
  MIGRATION_P2P: 4, MIGRATION_V3: 6, MIGRATE_CHANGE_PROTECTION: 7, FD_PASSING: 8, TYPED_PARAM_STRING: 9, PROGRAM_KEEPALIVE: 10, MIGRATION_OFFLINE: 12,
  MIGRATION_PARAMS: 13, REMOTE_EVENT_CALLBACK: 14, REMOTE_CLOSE_CALLBACK: 15, NETWORK_UPDATE_HAS_CORRECT_ORDER: 16,
} as const;
const SUPPORTED = new Set<number>([Feature.TYPED_PARAM_STRING, Feature.REMOTE_EVENT_CALLBACK, Feature.REMOTE_CLOSE_CALLBACK, Feature.NETWORK_UPDATE_HAS_CORRECT_ORDER]);
/**
 * Answered as libvirtd's QEMU driver answers them when the connection's driver has the five v3
 * phases (only the *3_PARAMS procedures are served: a client that sees MIGRATION_PARAMS picks them).
 */
const MIGRATION = new Set<number>([Feature.MIGRATION_P2P, Feature.MIGRATION_V3, Feature.MIGRATE_CHANGE_PROTECTION, Feature.MIGRATION_OFFLINE, Feature.MIGRATION_PARAMS]);

/** Opening, closing and asking about the connection. */
export const connectHandlers: RemoteHandlers = {
  // none on the unix sockets (their permissions are the access control, as libvirtd's default for root); SASL where the listener asks
  [P.REMOTE_PROC_AUTH_LIST]: async (ctx) => ({ types: ctx.auth.types }),
  [P.REMOTE_PROC_AUTH_SASL_INIT]: async (ctx) => ctx.auth.init(),
  [P.REMOTE_PROC_AUTH_SASL_START]: async (ctx, a) => ctx.auth.start(a.mech, a.nil, a.data),
  [P.REMOTE_PROC_AUTH_SASL_STEP]: async (ctx, a) => ctx.auth.step(a.nil, a.data),
  [P.REMOTE_PROC_CONNECT_OPEN]: async (ctx, a) => ctx.open(a.name, a.flags),
  [P.REMOTE_PROC_CONNECT_CLOSE]: async (ctx) => ctx.close(),
  [P.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE]: async (ctx, a) => {
    // Asked before CONNECT_OPEN: the client's keepalive starts our pings.
    if (a.feature === Feature.PROGRAM_KEEPALIVE) {
      ctx.startKeepalive();
      return { supported: 1 };
    }
    const conn = ctx.conn;
    // the daemon's own answer, as libvirtd's for every driver; here only where descriptors can arrive
    if (a.feature === Feature.FD_PASSING) return { supported: ctx.fdPassingMissing() === undefined ? 1 : 0 };
    return { supported: SUPPORTED.has(a.feature) || (MIGRATION.has(a.feature) && hasMigrationPhases(conn)) ? 1 : 0 };
  },
  [P.REMOTE_PROC_CONNECT_GET_TYPE]: async (ctx) => ({ type: await ctx.conn.getType() }),
  [P.REMOTE_PROC_CONNECT_GET_VERSION]: async (ctx) => ({ hv_ver: BigInt(await ctx.conn.getVersion()) }),
  [P.REMOTE_PROC_CONNECT_GET_LIB_VERSION]: async (ctx) => {
    void ctx.conn;
    return { lib_ver: BigInt(LIB_VERSION) };
  },
  [P.REMOTE_PROC_CONNECT_GET_HOSTNAME]: async (ctx) => ({ hostname: await ctx.conn.getHostname() }),
  [P.REMOTE_PROC_CONNECT_GET_URI]: async (ctx) => ({ uri: ctx.conn.getURI() }),
  [P.REMOTE_PROC_CONNECT_GET_CAPABILITIES]: async (ctx) => ({ capabilities: await ctx.conn.getCapabilities() }),
  [P.REMOTE_PROC_CONNECT_GET_SYSINFO]: async (ctx, a) => ({ sysinfo: await ctx.conn.getSysinfo(a.flags) }),
  [P.REMOTE_PROC_CONNECT_GET_MAX_VCPUS]: async (ctx, a) => ({ max_vcpus: await ctx.conn.getMaxVcpus(a.type ?? undefined) }),
  // A unix socket is local and private; plain TCP is neither (libvirtd answers the same).
  [P.REMOTE_PROC_CONNECT_IS_SECURE]: async (ctx) => ({ secure: ctx.secure ? 1 : 0 }),
  [P.REMOTE_PROC_NODE_GET_INFO]: async (ctx) => {
    const n = await ctx.conn.nodeGetInfo();
    return {
      model: modelBytes(n.model), memory: n.memory, cpus: n.cpus, mhz: n.mhz,
      nodes: n.nodes, sockets: n.sockets, cores: n.cores, threads: n.threads,
    };
  },
  [P.REMOTE_PROC_NODE_GET_SECURITY_MODEL]: async (ctx) => {
    const m = await ctx.conn.getSecurityModel();
    return { model: cString(m.model), doi: cString(m.doi) };
  },
  [P.REMOTE_PROC_CONNECT_REGISTER_CLOSE_CALLBACK]: async (ctx) => ctx.conn.registerCloseCallback(ctx.relayClose),
  [P.REMOTE_PROC_CONNECT_UNREGISTER_CLOSE_CALLBACK]: async (ctx) => ctx.conn.unregisterCloseCallback(ctx.relayClose),
  [P.REMOTE_PROC_CONNECT_SET_IDENTITY]: async () => {
    throw new VirError(ErrorCode.OPERATION_DENIED, 'setting the identity of a client is not allowed');
  },
};

/** A C string as libvirt sends fixed-size char arrays: its bytes and the terminating NUL. */
export function cString(s: string): number[] {
  return [...Buffer.from(`${s}\0`, 'utf8')];
}

/** virNodeInfo's model: char[32], sent as an array of 32 signed chars. */
function modelBytes(model: string): number[] {
  const out = new Array<number>(32).fill(0);
  Buffer.from(model, 'utf8').subarray(0, 31).forEach((b, i) => (out[i] = b > 127 ? b - 256 : b));
  return out;
}
