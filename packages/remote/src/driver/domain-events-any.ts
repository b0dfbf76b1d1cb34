/**
 * Domain events beyond lifecycle ones (the driver's connectDomainEventRegisterAny): one callback
 * per event id the API raises, registered on the daemon (CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY)
 * and shared by the connection's listeners, their messages turned into the API's
 * DomainDriverEvent, deregistered when the last listener leaves.
 */
import type { DomainDriverEvent, DomainRef } from '@tsvirt/api';
import * as P from '../generated/remote-protocol.js';
import type { RpcClient } from '../client/rpc-client.js';
import type { Codec } from '../protocol/xdr.js';
import { fromWire } from './convert.js';
import type { RemoteCall } from './entry-points.js';
import { SharedCallbacks } from './shared-callbacks.js';

type Rec = Record<string, unknown>;
const domain = (d: unknown): DomainRef => fromWire(P.remote_nonnull_domain as Codec<unknown>, d) as DomainRef;

/** Event message procedure → its event id and how its message becomes the API's event. */
const MESSAGES: ReadonlyMap<number, readonly [number, (m: Rec) => DomainDriverEvent]> = new Map([
  [P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT, [1, (m) => ({ eventID: 1, domain: domain((m.msg as Rec).dom) })]],
  [P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB, [8, (m) => {
    const j = m.msg as Rec;
    return { eventID: 8, domain: domain(j.dom), disk: j.path as string, type: j.type as number, status: j.status as number };
  }]],
  [P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED, [15, (m) => ({ eventID: 15, domain: domain((m.msg as Rec).dom), devAlias: (m.msg as Rec).devAlias as string })]],
  [P.REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2, [16, (m) => ({ eventID: 16, domain: domain(m.dom), disk: m.dst as string, type: m.type as number, status: m.status as number })]],
  [P.REMOTE_PROC_DOMAIN_EVENT_BLOCK_THRESHOLD, [24, (m) => ({
    eventID: 24, domain: domain(m.dom), dev: m.dev as string, path: (m.path as string | null) ?? '', threshold: m.threshold as bigint, excess: m.excess as bigint,
  })]],
  [P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED, [19, (m) => ({ eventID: 19, domain: domain(m.dom), devAlias: m.devAlias as string })]],
  [P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE, [18, (m) => ({ eventID: 18, domain: domain(m.dom), state: m.state as number, reason: m.reason as number })]],
  [P.REMOTE_PROC_DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE, [26, (m) => ({ eventID: 26, domain: domain(m.dom), alias: m.alias as string, size: m.size as bigint })]],
] as const);

export function domainEventAnyOverrides(client: RpcClient) {
  const shared = new SharedCallbacks<DomainDriverEvent>(client, ({ proc, msg }) => {
    const known = MESSAGES.get(proc);
    return known && [(msg as Rec).callbackID as number, known[1](msg as Rec)];
  });
  const ids = [...new Set([...MESSAGES.values()].map(([id]) => id))];
  return {
    async connectDomainEventRegisterAny(call: RemoteCall, listener: (e: DomainDriverEvent) => void): Promise<() => void> {
      const added = await Promise.allSettled(ids.map((eventID) => shared.add(String(eventID), listener,
        async () => ((await call(P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_REGISTER_ANY, { eventID, dom: null })) as { callbackID: number }).callbackID,
        (callbackID) => call(P.REMOTE_PROC_CONNECT_DOMAIN_EVENT_CALLBACK_DEREGISTER_ANY, { callbackID }))));
      const off = () => {
        for (const r of added) if (r.status === 'fulfilled') void r.value().catch(() => undefined);
      };
      const failed = added.find((r) => r.status === 'rejected');
      if (failed) {
        off();
        throw failed.reason;
      }
      return off;
    },
  };
}
