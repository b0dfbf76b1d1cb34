import type { DomainDriverEvent } from '@tsvirt/api';
import { encodeEvent, remote, remote_program } from '@tsvirt/remote/protocol';
import { wireDomain } from './wire-objects.js';

const P = remote;

/** How one domain event id goes on the wire: with a callback id, and (where libvirt has one) the legacy message. */
interface EventMessages {
  callback(callbackID: number, e: DomainDriverEvent): Uint8Array;
  legacy?(e: DomainDriverEvent): Uint8Array;
}

const ev = (proc: number, msg: unknown): Uint8Array => encodeEvent(remote_program, proc, msg);
type Life = Extract<DomainDriverEvent, { event: number }>;
type Job = Extract<DomainDriverEvent, { disk: string }>;
type Device = Extract<DomainDriverEvent, { devAlias: string }>;
type Threshold = Extract<DomainDriverEvent, { eventID: 24 }>;
type Agent = Extract<DomainDriverEvent, { eventID: 18 }>;
type MemorySize = Extract<DomainDriverEvent, { eventID: 26 }>;

const lifecycle = (e: DomainDriverEvent) => ({ dom: wireDomain(e.domain), event: (e as Life).event, detail: (e as Life).detail });
const blockJob = (e: DomainDriverEvent) => ({ dom: wireDomain(e.domain), path: (e as Job).disk, type: (e as Job).type, status: (e as Job).status });
const removed = (e: DomainDriverEvent) => ({ dom: wireDomain(e.domain), devAlias: (e as Device).devAlias });

/** The domain event ids the API raises, by libvirt's VIR_DOMAIN_EVENT_ID_* number. */
export const DOMAIN_EVENT_MESSAGES: ReadonlyMap<number, EventMessages> = new Map<number, EventMessages>([
  [0, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_LIFECYCLE, { callbackID, msg: lifecycle(e) }),
    legacy: (e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_LIFECYCLE, lifecycle(e)),
  }],
  [1, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_REBOOT, { callbackID, msg: { dom: wireDomain(e.domain) } }),
    legacy: (e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_REBOOT, { dom: wireDomain(e.domain) }),
  }],
  [8, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_BLOCK_JOB, { callbackID, msg: blockJob(e) }),
    legacy: (e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB, blockJob(e)),
  }],
  [15, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_REMOVED, { callbackID, msg: removed(e) }),
    legacy: (e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_DEVICE_REMOVED, removed(e)),
  }],
  [16, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_BLOCK_JOB_2, {
      callbackID, dom: wireDomain(e.domain), dst: (e as Job).disk, type: (e as Job).type, status: (e as Job).status,
    }),
  }],
  [24, {
    callback: (callbackID, e) => {
      const t = e as Threshold;
      return ev(P.REMOTE_PROC_DOMAIN_EVENT_BLOCK_THRESHOLD, { callbackID, dom: wireDomain(e.domain), dev: t.dev, path: t.path || null, threshold: t.threshold, excess: t.excess });
    },
  }],
  [19, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_DEVICE_ADDED, { callbackID, dom: wireDomain(e.domain), devAlias: (e as Device).devAlias }),
  }],
  [18, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_CALLBACK_AGENT_LIFECYCLE, {
      callbackID, dom: wireDomain(e.domain), state: (e as Agent).state, reason: (e as Agent).reason,
    }),
  }],
  [26, {
    callback: (callbackID, e) => ev(P.REMOTE_PROC_DOMAIN_EVENT_MEMORY_DEVICE_SIZE_CHANGE, {
      callbackID, dom: wireDomain(e.domain), alias: (e as MemorySize).alias, size: (e as MemorySize).size,
    }),
  }],
]);
