/**
 * libvirt-qemu's monitor events over the wire. A daemon takes one registration per domain (or
 * none) on a connection, as libvirtd does, so registrations of one key share it: it is made
 * without a filter (QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER) and each registration's
 * name filter runs here, on the QEMU_PROC_DOMAIN_MONITOR_EVENT messages of its callback id.
 */
import { qemuMonitorEventFilter, type DomainRef, type QemuMonitorEvent } from '@tsvirt/api';
import * as P from '../generated/remote-protocol.js';
import * as Q from '../generated/qemu-protocol.js';
import type { RpcClient } from '../client/rpc-client.js';
import { qemu_program } from '../protocol/programs.js';
import type { Codec } from '../protocol/xdr.js';
import { fromWire, toWire } from './convert.js';

const domainCodec = P.remote_nonnull_domain as Codec<unknown>;
type Listener = (e: QemuMonitorEvent) => void;

/** The daemon's registration for one key: its callback id once answered, and the local listeners. */
interface Shared {
  id: number | undefined;
  readonly ready: Promise<number>;
  readonly listeners: Set<Listener>;
}

function monitorEvent(m: Q.qemu_domain_monitor_event_msg): QemuMonitorEvent {
  const e = { dom: fromWire(domainCodec, m.dom) as DomainRef, event: m.event, seconds: m.seconds, micros: m.micros };
  return m.details === null ? e : { ...e, details: m.details };
}

export function qemuMonitorEventOverrides(client: RpcClient) {
  const byKey = new Map<string, Shared>();
  // messages whose callback id is not answered yet: an event may follow a reply in the same read
  const early: Q.qemu_domain_monitor_event_msg[] = [];
  let offEvents: (() => void) | undefined;
  const deliver = (m: Q.qemu_domain_monitor_event_msg): void => {
    const shared = [...byKey.values()].find((s) => s.id === m.callbackID);
    if (!shared) return void (([...byKey.values()].some((s) => s.id === undefined)) && early.push(m));
    const e = monitorEvent(m);
    for (const l of [...shared.listeners]) l(e);
  };
  const listen = (): void => {
    offEvents ??= client.onEvent(({ program, proc, msg }) => {
      if (program === qemu_program && proc === Q.QEMU_PROC_DOMAIN_MONITOR_EVENT) deliver(msg as Q.qemu_domain_monitor_event_msg);
    });
  };
  const register = (key: string, dom: DomainRef | undefined): Shared => {
    const args = { dom: dom ? toWire(domainCodec, dom) : null, event: null, flags: 0 };
    const ready = client.call(qemu_program, Q.QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER, args)
      .then((r) => (r as Q.qemu_connect_domain_monitor_event_register_ret).callbackID);
    const shared: Shared = { id: undefined, ready, listeners: new Set() };
    byKey.set(key, shared);
    ready.then((id) => {
      shared.id = id;
      for (const m of early.splice(0)) deliver(m);
    }, () => byKey.get(key) === shared && byKey.delete(key));
    return shared;
  };
  return {
    async connectDomainQemuMonitorEventRegister(_call: unknown, dom: DomainRef | undefined, event: string | undefined,
      callback: Listener, flags: number): Promise<() => Promise<void>> {
      const takes = qemuMonitorEventFilter(event, flags);
      const listener: Listener = (e) => takes(e.event) && callback(e);
      listen();
      const key = dom?.uuid ?? '';
      const shared = byKey.get(key) ?? register(key, dom);
      shared.listeners.add(listener);
      let id: number;
      try {
        id = await shared.ready;
      } catch (e) {
        shared.listeners.delete(listener);
        throw e;
      }
      const release = client.hold();
      return async () => {
        release();
        if (!shared.listeners.delete(listener) || shared.listeners.size > 0) return;
        byKey.delete(key);
        await client.call(qemu_program, Q.QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER, { callbackID: id });
      };
    },
  };
}
