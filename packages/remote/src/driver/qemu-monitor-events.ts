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
import { SharedCallbacks } from './shared-callbacks.js';

const domainCodec = P.remote_nonnull_domain as Codec<unknown>;
type Listener = (e: QemuMonitorEvent) => void;

function monitorEvent(m: Q.qemu_domain_monitor_event_msg): QemuMonitorEvent {
  const e = { dom: fromWire(domainCodec, m.dom) as DomainRef, event: m.event, seconds: m.seconds, micros: m.micros };
  return m.details === null ? e : { ...e, details: m.details };
}

export function qemuMonitorEventOverrides(client: RpcClient) {
  const shared = new SharedCallbacks<QemuMonitorEvent>(client, ({ program, proc, msg }) => {
    if (program !== qemu_program || proc !== Q.QEMU_PROC_DOMAIN_MONITOR_EVENT) return undefined;
    const m = msg as Q.qemu_domain_monitor_event_msg;
    return [m.callbackID, monitorEvent(m)];
  });
  return {
    async connectDomainQemuMonitorEventRegister(_call: unknown, dom: DomainRef | undefined, event: string | undefined,
      callback: Listener, flags: number): Promise<() => Promise<void>> {
      const takes = qemuMonitorEventFilter(event, flags);
      const args = { dom: dom ? toWire(domainCodec, dom) : null, event: null, flags: 0 };
      return shared.add(dom?.uuid ?? '', (e) => takes(e.event) && callback(e),
        async () => ((await client.call(qemu_program, Q.QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER, args)) as Q.qemu_connect_domain_monitor_event_register_ret).callbackID,
        (callbackID) => client.call(qemu_program, Q.QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER, { callbackID }));
    },
  };
}
