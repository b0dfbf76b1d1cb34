/**
 * Domain lifecycle events over the wire: the first listener registers a callback on the daemon
 * (REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY), the last one to leave deregisters it.
 */
import type { DomainLifecycleEvent, EventSource } from '@tsvirt/api';
import {
  REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY,
  REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY,
  REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE,
  remote_domain_event_callback_lifecycle_msg,
  remote_nonnull_domain,
} from '../generated/remote-protocol.js';
import type { RpcClient } from '../client/rpc-client.js';
import type { Codec } from '../protocol/xdr.js';
import type { RemoteCall } from './entry-points.js';
import { fromWire } from './convert.js';
import type { DomainRef } from '@tsvirt/api';

/** VIR_DOMAIN_EVENT_ID_LIFECYCLE. */
const LIFECYCLE = 0;

/** `registering` is told of each registration in flight, for the calls that must wait for it. */
export function domainEvents(client: RpcClient, call: RemoteCall, registering: (p: Promise<unknown>) => void): EventSource {
  const listeners = new Set<(e: DomainLifecycleEvent) => void>();
  let registration: Promise<number> | undefined;
  let release: (() => void) | undefined;
  client.onEvent(({ proc, msg }) => {
    if (proc !== REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE) return;
    const m = (msg as remote_domain_event_callback_lifecycle_msg).msg;
    const domain = fromWire(remote_nonnull_domain as Codec<unknown>, m.dom) as DomainRef;
    for (const l of listeners) l({ domain, event: m.event as DomainLifecycleEvent['event'], detail: m.detail });
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      if (!registration) {
        release = client.hold();
        registration = call(REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID: LIFECYCLE, dom: null }).then(
          (r) => (r as { callbackID: number }).callbackID,
        );
        registration.catch(() => undefined);
        registering(registration);
      }
      return () => {
        listeners.delete(listener);
        if (listeners.size || !registration) return;
        const done = registration;
        registration = undefined;
        release?.();
        void done.then((callbackID) => call(REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID })).catch(() => undefined);
      };
    },
  };
}
