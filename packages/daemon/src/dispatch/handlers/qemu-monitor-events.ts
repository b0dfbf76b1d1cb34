import { encodeEvent, qemu, qemu_program } from '@tsvirt/remote/protocol';
import { ErrorCode, VirError } from '@tsvirt/util';
import type { QemuHandlers } from '../handler-table.js';
import { domainOf, wireDomain } from '../wire-objects.js';

/**
 * libvirt-qemu's monitor events: a registration through the API (which filters by domain and
 * name) whose events go out as QEMU_PROC_DOMAIN_MONITOR_EVENT with the callback's id.
 */
export const qemuMonitorEventHandlers: QemuHandlers = {
  [qemu.QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_REGISTER]: async (ctx, a) => {
    const conn = ctx.conn;
    const dom = a.dom ? domainOf(conn, a.dom) : undefined;
    const callbackID = await ctx.events.registerOther(async (id) => {
      const off = await conn.domainQemuMonitorEventRegister(dom, a.event ?? undefined, (e) => ctx.send(encodeEvent(qemu_program, qemu.QEMU_PROC_DOMAIN_MONITOR_EVENT, {
        callbackID: id, dom: wireDomain(e.dom), event: e.event, seconds: e.seconds, micros: e.micros, details: e.details ?? null,
      })), a.flags);
      return () => void off().catch(() => undefined);
    });
    return { callbackID };
  },
  [qemu.QEMU_PROC_CONNECT_DOMAIN_MONITOR_EVENT_DEREGISTER]: async (ctx, a) => {
    ctx.events.deregisterOther(a.callbackID, () => new VirError(ErrorCode.RPC, `qemu monitor event callback ${a.callbackID} not registered`));
  },
};
