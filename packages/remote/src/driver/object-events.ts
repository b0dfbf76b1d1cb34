/**
 * Storage pool, secret and network events: a callback on the daemon (CONNECT_*_EVENT_REGISTER_ANY)
 * per event id and object, shared by the connection's registrations of that pair, its messages
 * routed by callback id, deregistered when the last registration stops.
 */
import type { NetworkRef, SecretRef, StoragePoolRef } from '@tsvirt/api';
import * as P from '../generated/remote-protocol.js';
import type { RpcClient } from '../client/rpc-client.js';
import type { Codec } from '../protocol/xdr.js';
import { fromWire, toWire } from './convert.js';
import type { RemoteCall } from './entry-points.js';
import { SharedCallbacks } from './shared-callbacks.js';

type Rec = Record<string, unknown>;

interface Kind {
  readonly register: number;
  readonly deregister: number;
  /** Event procedure → the event ID it carries (libvirt sends one procedure per event ID). */
  readonly events: ReadonlyMap<number, number>;
  /** The object's field in the registration and in the messages. */
  readonly field: string;
  readonly codec: Codec<unknown>;
  readonly optional: Codec<unknown>;
}

/** The registration procedures and event messages of one object kind, by libvirt's naming. */
function kind(upper: 'STORAGE_POOL' | 'SECRET' | 'NETWORK', events: readonly string[], field: string, codec: Codec<unknown>, optional: Codec<unknown>): Kind {
  const proc = (name: string) => (P as unknown as Record<string, number>)[`REMOTE_PROC_${name}`]!;
  return {
    register: proc(`CONNECT_${upper}_EVENT_REGISTER_ANY`),
    deregister: proc(`CONNECT_${upper}_EVENT_DEREGISTER_ANY`),
    events: new Map(events.map((e, id) => [proc(`${upper}_EVENT_${e}`), id])),
    field,
    codec,
    optional,
  };
}

const POOL = kind('STORAGE_POOL', ['LIFECYCLE', 'REFRESH'], 'pool', P.remote_nonnull_storage_pool as Codec<unknown>, P.remote_storage_pool as Codec<unknown>);
const NETWORK = kind('NETWORK', ['LIFECYCLE'], 'net', P.remote_nonnull_network as Codec<unknown>, P.remote_network as Codec<unknown>);
const SECRET = kind('SECRET', ['LIFECYCLE', 'VALUE_CHANGED'], 'secret', P.remote_nonnull_secret as Codec<unknown>, P.remote_secret as Codec<unknown>);

function register(client: RpcClient, call: RemoteCall, kind: Kind, key: string) {
  const shared = new SharedCallbacks<Rec>(client, ({ proc, msg }) => {
    const eventID = kind.events.get(proc);
    if (eventID === undefined) return undefined;
    const m = msg as Rec;
    return [m.callbackID as number, {
      [key]: fromWire(kind.codec, m[kind.field]),
      eventID,
      event: (m.event as number | undefined) ?? 0,
      detail: (m.detail as number | undefined) ?? 0,
    }];
  });
  return async (_c: RemoteCall, obj: StoragePoolRef | SecretRef | NetworkRef | undefined, eventID: number, listener: (e: Rec) => void) => {
    const off = await shared.add(`${eventID} ${obj?.uuid ?? ''}`, listener,
      async () => ((await call(kind.register, { eventID, [kind.field]: toWire(kind.optional, obj) })) as { callbackID: number }).callbackID,
      (callbackID) => call(kind.deregister, { callbackID }));
    return () => void off().catch(() => undefined);
  };
}

export function poolEventOverrides(client: RpcClient) {
  const call: RemoteCall = (proc, args) => client.call(P.remote_program, proc, args);
  return {
    connectStoragePoolEventRegisterAny: register(client, call, POOL, 'pool'),
    connectSecretEventRegisterAny: register(client, call, SECRET, 'secret'),
    connectNetworkEventRegisterAny: register(client, call, NETWORK, 'net'),
  };
}
