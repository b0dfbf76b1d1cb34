import { encodeEvent, remote, remote_program } from '@tsvirt/remote/protocol';
import { ErrorCode, VirError } from '@tsvirt/util';
import type { RemoteHandlers } from '../handler-table.js';
import type { Network, Secret, StoragePool } from '@tsvirt/api';
import type { ClientContext } from '../client-context.js';
import { networkOf, poolOf, secretOf, uuidText, wireNetwork, wirePool, wireSecret } from '../wire-objects.js';

const P = remote;
const LIFECYCLE = 0;

/** Registering and removing event callbacks. */
export const eventHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY]: async (ctx, a) => ({
    callbackID: await ctx.events.registerDomain(a.eventID, a.dom ? uuidText(a.dom.uuid) : undefined),
  }),
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterDomain({ id: a.callbackID }),
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER]: async (ctx) => {
    await ctx.events.registerDomain(LIFECYCLE, undefined, true);
    return { cb_registered: 1 };
  },
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER]: async (ctx) => {
    ctx.events.deregisterDomain({ legacyEventID: LIFECYCLE });
    return { cb_registered: 0 };
  },
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_REGISTER_ANY]: async (ctx, a) => {
    await ctx.events.registerDomain(a.eventID, undefined, true);
  },
  [P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterDomain({ legacyEventID: a.eventID }),
};

/** Event ids libvirt 9.0 knows per kind (the `_LAST` of each enum). */
const LAST = { network: 1, nodedev: 2 } as const;

function checkEventID(kind: keyof typeof LAST, eventID: number): void {
  if (!(eventID >= 0 && eventID < LAST[kind])) throw new VirError(ErrorCode.INVALID_ARG, `unsupported event ID ${eventID}`);
}

/**
 * The message of an object event: a lifecycle event (id 0) carries event and detail, the other id
 * (pool refresh, secret value change) only the object. `key` names the object's field.
 */
function objectEvent<K extends string, W>(lifecycle: number, other: number, key: K, wire: W) {
  return (callbackID: number, eventID: number, event: number, detail: number): Uint8Array => eventID === 0
    ? encodeEvent(remote_program, lifecycle, { callbackID, [key]: wire, event, detail })
    : encodeEvent(remote_program, other, { callbackID, [key]: wire });
}

type ObjectCallback<O> = (obj: O, event: number, detail: number) => void;

/**
 * Registers a callback of an object kind through the API (`register`, given the listener) and
 * sends each event as the message `message` makes for it; answers the callback id.
 */
async function objectCallback<O>(ctx: ClientContext, register: (cb: ObjectCallback<O>) => Promise<() => void>,
  message: (callbackID: number, obj: O, event: number, detail: number) => Uint8Array): Promise<{ callbackID: number }> {
  return { callbackID: await ctx.events.registerOther((id) => register((obj, event, detail) => ctx.send(message(id, obj, event, detail)))) };
}

/** Pools, secrets and networks raise events through the API; node devices register but stay quiet (the API raises none). */
export const otherEventHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_REGISTER_ANY]: async (ctx, a) => {
    const conn = ctx.conn;
    const filter = a.pool ? poolOf(conn, a.pool) : undefined;
    return objectCallback<StoragePool>(ctx, (cb) => conn.storagePoolEventRegisterAny(filter, a.eventID, cb), (id, pool: StoragePool, event, detail) =>
      objectEvent(P.REMOTE_PROC_STORAGE_POOL_EVENT_LIFECYCLE, P.REMOTE_PROC_STORAGE_POOL_EVENT_REFRESH, 'pool', wirePool(pool))(id, a.eventID, event, detail));
  },
  [P.REMOTE_PROC_CONNECT_STORAGE_POOL_EVENT_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterOther(a.callbackID),
  [P.REMOTE_PROC_CONNECT_SECRET_EVENT_REGISTER_ANY]: async (ctx, a) => {
    const conn = ctx.conn;
    const filter = a.secret ? secretOf(conn, a.secret) : undefined;
    return objectCallback<Secret>(ctx, (cb) => conn.secretEventRegisterAny(filter, a.eventID, cb), (id, secret: Secret, event, detail) =>
      objectEvent(P.REMOTE_PROC_SECRET_EVENT_LIFECYCLE, P.REMOTE_PROC_SECRET_EVENT_VALUE_CHANGED, 'secret', wireSecret(secret))(id, a.eventID, event, detail));
  },
  [P.REMOTE_PROC_CONNECT_SECRET_EVENT_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterOther(a.callbackID),
  [P.REMOTE_PROC_CONNECT_NETWORK_EVENT_REGISTER_ANY]: async (ctx, a) => {
    checkEventID('network', a.eventID);
    const conn = ctx.conn;
    const filter = a.net ? networkOf(conn, a.net) : undefined;
    return objectCallback<Network>(ctx, (cb) => conn.networkEventRegisterAny(filter, a.eventID, cb), (callbackID, net: Network, event, detail) =>
      encodeEvent(remote_program, P.REMOTE_PROC_NETWORK_EVENT_LIFECYCLE, { callbackID, net: wireNetwork(net), event, detail }));
  },
  [P.REMOTE_PROC_CONNECT_NETWORK_EVENT_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterOther(a.callbackID),
  [P.REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_REGISTER_ANY]: async (ctx, a) => {
    checkEventID('nodedev', a.eventID);
    void ctx.conn;
    return { callbackID: await ctx.events.registerOther(async () => () => undefined) };
  },
  [P.REMOTE_PROC_CONNECT_NODE_DEVICE_EVENT_DEREGISTER_ANY]: async (ctx, a) => ctx.events.deregisterOther(a.callbackID),
};
