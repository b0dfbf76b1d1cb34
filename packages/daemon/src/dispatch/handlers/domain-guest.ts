import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { domainOf } from '../wire-objects.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);

/**
 * What reaches inside the guest: its keyboard and display, its agent, its addresses and a dump of
 * its memory. The screenshot's image follows the reply as a download stream, as libvirtd sends it.
 */
export const domainGuestHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_SEND_KEY]: async (ctx, a) => dom(ctx, a.dom).sendKey(a.codeset, a.holdtime, a.keycodes, a.flags),
  [P.REMOTE_PROC_DOMAIN_SCREENSHOT]: async (ctx, a, call) => {
    const shot = await dom(ctx, a.dom).screenshot(a.screen, a.flags);
    ctx.streams.download(call, shot.stream);
    return { mime: shot.mimeType };
  },
  [P.REMOTE_PROC_DOMAIN_GET_FSINFO]: async (ctx, a) => {
    const info = await dom(ctx, a.dom).getFSInfo(a.flags);
    return {
      info: info.map((f) => ({ mountpoint: f.mountpoint, name: f.name, fstype: f.fstype, dev_aliases: [...f.devAliases] })),
      ret: info.length,
    };
  },
  [P.REMOTE_PROC_DOMAIN_SET_USER_PASSWORD]: async (ctx, a) => dom(ctx, a.dom).setUserPassword(a.user ?? '', a.password ?? '', a.flags),
  [P.REMOTE_PROC_DOMAIN_INTERFACE_ADDRESSES]: async (ctx, a) => {
    const ifaces = await dom(ctx, a.dom).interfaceAddresses(a.source, a.flags);
    return { ifaces: ifaces.map((i) => ({ name: i.name, hwaddr: i.hwaddr ?? null, addrs: i.addrs.map((x) => ({ type: x.type, addr: x.addr, prefix: x.prefix })) })) };
  },
  [P.REMOTE_PROC_DOMAIN_CORE_DUMP]: async (ctx, a) => dom(ctx, a.dom).coreDump(a.to, a.flags),
  [P.REMOTE_PROC_DOMAIN_CORE_DUMP_WITH_FORMAT]: async (ctx, a) => dom(ctx, a.dom).coreDumpWithFormat(a.to, a.dumpformat, a.flags),
};
