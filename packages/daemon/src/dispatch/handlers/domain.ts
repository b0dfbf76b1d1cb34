import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { domainOf, uuidText, wireDomain } from '../wire-objects.js';
import type { ClientContext } from '../client-context.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);
/** libvirt's VIR_CONNECT_LIST_DOMAINS_ACTIVE / _INACTIVE, for the pre-listAll calls. */
const ACTIVE = 1;
const INACTIVE = 2;

/** Listing, looking up, defining and the lifecycle of domains. */
export const domainHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_LIST_ALL_DOMAINS]: async (ctx, a) => {
    const list = await ctx.conn.listAllDomains(a.flags);
    return { domains: a.need_results ? list.map(wireDomain) : [], ret: list.length };
  },
  [P.REMOTE_PROC_CONNECT_NUM_OF_DOMAINS]: async (ctx) => ({ num: (await ctx.conn.listAllDomains(ACTIVE)).length }),
  [P.REMOTE_PROC_CONNECT_LIST_DOMAINS]: async (ctx, a) => ({
    ids: (await ctx.conn.listAllDomains(ACTIVE)).map((d) => d.getID()).slice(0, a.maxids),
  }),
  [P.REMOTE_PROC_CONNECT_NUM_OF_DEFINED_DOMAINS]: async (ctx) => ({ num: (await ctx.conn.listAllDomains(INACTIVE)).length }),
  [P.REMOTE_PROC_CONNECT_LIST_DEFINED_DOMAINS]: async (ctx, a) => ({
    names: (await ctx.conn.listAllDomains(INACTIVE)).map((d) => d.getName()).slice(0, a.maxnames),
  }),
  [P.REMOTE_PROC_DOMAIN_LOOKUP_BY_NAME]: async (ctx, a) => ({ dom: wireDomain(await ctx.conn.lookupByName(a.name)) }),
  [P.REMOTE_PROC_DOMAIN_LOOKUP_BY_ID]: async (ctx, a) => ({ dom: wireDomain(await ctx.conn.lookupByID(a.id)) }),
  [P.REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID]: async (ctx, a) => ({ dom: wireDomain(await ctx.conn.lookupByUUIDString(uuidText(a.uuid))) }),
  [P.REMOTE_PROC_DOMAIN_DEFINE_XML]: async (ctx, a) => ({ dom: wireDomain(await ctx.conn.defineXML(a.xml)) }),
  [P.REMOTE_PROC_DOMAIN_DEFINE_XML_FLAGS]: async (ctx, a) => ({ dom: wireDomain(await ctx.conn.defineXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_CREATE_XML]: async (ctx, a) => ({ dom: wireDomain(await ctx.conn.createXML(a.xml_desc, a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_UNDEFINE]: async (ctx, a) => dom(ctx, a.dom).undefine(),
  [P.REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS]: async (ctx, a) => dom(ctx, a.dom).undefine(a.flags),
  [P.REMOTE_PROC_DOMAIN_CREATE]: async (ctx, a) => dom(ctx, a.dom).create(),
  [P.REMOTE_PROC_DOMAIN_CREATE_WITH_FLAGS]: async (ctx, a) => {
    const d = dom(ctx, a.dom);
    await d.create(a.flags);
    return { dom: wireDomain(d) };
  },
  [P.REMOTE_PROC_DOMAIN_DESTROY]: async (ctx, a) => dom(ctx, a.dom).destroy(),
  [P.REMOTE_PROC_DOMAIN_DESTROY_FLAGS]: async (ctx, a) => dom(ctx, a.dom).destroy(a.flags),
  [P.REMOTE_PROC_DOMAIN_SHUTDOWN]: async (ctx, a) => dom(ctx, a.dom).shutdown(),
  [P.REMOTE_PROC_DOMAIN_SHUTDOWN_FLAGS]: async (ctx, a) => dom(ctx, a.dom).shutdown(a.flags),
  [P.REMOTE_PROC_DOMAIN_REBOOT]: async (ctx, a) => dom(ctx, a.dom).reboot(a.flags),
  [P.REMOTE_PROC_DOMAIN_RESET]: async (ctx, a) => dom(ctx, a.dom).reset(a.flags),
  [P.REMOTE_PROC_DOMAIN_INJECT_NMI]: async (ctx, a) => dom(ctx, a.dom).injectNMI(a.flags),
  [P.REMOTE_PROC_DOMAIN_SUSPEND]: async (ctx, a) => dom(ctx, a.dom).suspend(),
  [P.REMOTE_PROC_DOMAIN_RESUME]: async (ctx, a) => dom(ctx, a.dom).resume(),
  [P.REMOTE_PROC_DOMAIN_SET_AUTOSTART]: async (ctx, a) => dom(ctx, a.dom).setAutostart(a.autostart !== 0),
  [P.REMOTE_PROC_DOMAIN_ATTACH_DEVICE]: async (ctx, a) => dom(ctx, a.dom).attachDevice(a.xml),
  [P.REMOTE_PROC_DOMAIN_ATTACH_DEVICE_FLAGS]: async (ctx, a) => dom(ctx, a.dom).attachDeviceFlags(a.xml, a.flags),
  [P.REMOTE_PROC_DOMAIN_DETACH_DEVICE]: async (ctx, a) => dom(ctx, a.dom).detachDevice(a.xml),
  [P.REMOTE_PROC_DOMAIN_DETACH_DEVICE_FLAGS]: async (ctx, a) => dom(ctx, a.dom).detachDeviceFlags(a.xml, a.flags),
  [P.REMOTE_PROC_DOMAIN_UPDATE_DEVICE_FLAGS]: async (ctx, a) => dom(ctx, a.dom).updateDeviceFlags(a.xml, a.flags),
  [P.REMOTE_PROC_DOMAIN_SET_MEMORY]: async (ctx, a) => dom(ctx, a.dom).setMemory(Number(a.memory)),
  [P.REMOTE_PROC_DOMAIN_SET_MAX_MEMORY]: async (ctx, a) => dom(ctx, a.dom).setMaxMemory(Number(a.memory)),
  [P.REMOTE_PROC_DOMAIN_SET_MEMORY_FLAGS]: async (ctx, a) => dom(ctx, a.dom).setMemoryFlags(Number(a.memory), a.flags),
  [P.REMOTE_PROC_DOMAIN_SET_VCPUS]: async (ctx, a) => dom(ctx, a.dom).setVcpus(a.nvcpus),
  [P.REMOTE_PROC_DOMAIN_SET_VCPUS_FLAGS]: async (ctx, a) => dom(ctx, a.dom).setVcpusFlags(a.nvcpus, a.flags),
};
