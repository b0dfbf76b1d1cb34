import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { bindingOf, nwfilterOf, secretOf, uuidText, wireBinding, wireNWFilter, wireSecret } from '../wire-objects.js';

const P = remote;
const sec = (ctx: ClientContext, s: remote.remote_nonnull_secret) => secretOf(ctx.conn, s);
const nwf = (ctx: ClientContext, f: remote.remote_nonnull_nwfilter) => nwfilterOf(ctx.conn, f);

/** Secrets, network filters and filter bindings. */
export const secretFilterHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_LIST_ALL_SECRETS]: async (ctx, a) => {
    const list = await ctx.conn.listAllSecrets(a.flags);
    return { secrets: a.need_results ? list.map(wireSecret) : [], ret: list.length };
  },
  [P.REMOTE_PROC_CONNECT_NUM_OF_SECRETS]: async (ctx) => ({ num: await ctx.conn.numOfSecrets() }),
  [P.REMOTE_PROC_CONNECT_LIST_SECRETS]: async (ctx, a) => ({ uuids: await ctx.conn.listSecrets(a.maxuuids) }),
  [P.REMOTE_PROC_SECRET_LOOKUP_BY_UUID]: async (ctx, a) => ({ secret: wireSecret(await ctx.conn.secretLookupByUUIDString(uuidText(a.uuid))) }),
  [P.REMOTE_PROC_SECRET_LOOKUP_BY_USAGE]: async (ctx, a) => ({ secret: wireSecret(await ctx.conn.secretLookupByUsage(a.usageType, a.usageID)) }),
  [P.REMOTE_PROC_SECRET_DEFINE_XML]: async (ctx, a) => ({ secret: wireSecret(await ctx.conn.secretDefineXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_SECRET_GET_XML_DESC]: async (ctx, a) => ({ xml: await sec(ctx, a.secret).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_SECRET_SET_VALUE]: async (ctx, a) => sec(ctx, a.secret).setValue(a.value, a.flags),
  [P.REMOTE_PROC_SECRET_GET_VALUE]: async (ctx, a) => ({ value: await sec(ctx, a.secret).getValue(a.flags) }),
  [P.REMOTE_PROC_SECRET_UNDEFINE]: async (ctx, a) => sec(ctx, a.secret).undefine(),

  [P.REMOTE_PROC_CONNECT_LIST_ALL_NWFILTERS]: async (ctx, a) => {
    const list = await ctx.conn.listAllNWFilters(a.flags);
    return { filters: a.need_results ? list.map(wireNWFilter) : [], ret: list.length };
  },
  [P.REMOTE_PROC_CONNECT_NUM_OF_NWFILTERS]: async (ctx) => ({ num: await ctx.conn.numOfNWFilters() }),
  [P.REMOTE_PROC_CONNECT_LIST_NWFILTERS]: async (ctx, a) => ({ names: await ctx.conn.listNWFilters(a.maxnames) }),
  [P.REMOTE_PROC_NWFILTER_LOOKUP_BY_NAME]: async (ctx, a) => ({ nwfilter: wireNWFilter(await ctx.conn.nwfilterLookupByName(a.name)) }),
  [P.REMOTE_PROC_NWFILTER_LOOKUP_BY_UUID]: async (ctx, a) => ({ nwfilter: wireNWFilter(await ctx.conn.nwfilterLookupByUUIDString(uuidText(a.uuid))) }),
  [P.REMOTE_PROC_NWFILTER_DEFINE_XML]: async (ctx, a) => ({ nwfilter: wireNWFilter(await ctx.conn.nwfilterDefineXML(a.xml)) }),
  [P.REMOTE_PROC_NWFILTER_DEFINE_XML_FLAGS]: async (ctx, a) => ({ nwfilter: wireNWFilter(await ctx.conn.nwfilterDefineXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_NWFILTER_GET_XML_DESC]: async (ctx, a) => ({ xml: await nwf(ctx, a.nwfilter).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_NWFILTER_UNDEFINE]: async (ctx, a) => nwf(ctx, a.nwfilter).undefine(),
  [P.REMOTE_PROC_CONNECT_LIST_ALL_NWFILTER_BINDINGS]: async (ctx, a) => {
    const list = await ctx.conn.listAllNWFilterBindings(a.flags);
    return { bindings: a.need_results ? list.map(wireBinding) : [], ret: list.length };
  },
  [P.REMOTE_PROC_NWFILTER_BINDING_LOOKUP_BY_PORT_DEV]: async (ctx, a) => ({
    nwfilter: wireBinding(await ctx.conn.nwfilterBindingLookupByPortDev(a.name)),
  }),
  [P.REMOTE_PROC_NWFILTER_BINDING_CREATE_XML]: async (ctx, a) => ({ nwfilter: wireBinding(await ctx.conn.nwfilterBindingCreateXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_NWFILTER_BINDING_GET_XML_DESC]: async (ctx, a) => ({ xml: await bindingOf(ctx.conn, a.nwfilter).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_NWFILTER_BINDING_DELETE]: async (ctx, a) => bindingOf(ctx.conn, a.nwfilter).delete(),
};
