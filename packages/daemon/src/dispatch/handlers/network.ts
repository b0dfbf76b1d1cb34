import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { NetworkPort } from '@tsvirt/api';
import { networkOf, uuidBytes, uuidText, wireNetwork } from '../wire-objects.js';

const P = remote;
const net = (ctx: ClientContext, n: remote.remote_nonnull_network) => networkOf(ctx.conn, n);
/** libvirt's VIR_CONNECT_LIST_NETWORKS_INACTIVE / _ACTIVE. */
const INACTIVE = 1;
const ACTIVE = 2;
const port = (ctx: ClientContext, p: remote.remote_nonnull_network_port) =>
  new NetworkPort(ctx.conn, { net: { name: p.net.name, uuid: uuidText(p.net.uuid) }, uuid: uuidText(p.uuid) });
const wirePort = (p: NetworkPort): remote.remote_nonnull_network_port =>
  ({ net: { name: p.ref.net.name, uuid: uuidBytes(p.ref.net.uuid) }, uuid: uuidBytes(p.ref.uuid) });
const names = async (ctx: ClientContext, flags: number, max: number) =>
  (await ctx.conn.listAllNetworks(flags)).map((n) => n.getName()).slice(0, max);

/** Virtual networks. */
export const networkHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_LIST_ALL_NETWORKS]: async (ctx, a) => {
    const list = await ctx.conn.listAllNetworks(a.flags);
    return { nets: a.need_results ? list.map(wireNetwork) : [], ret: list.length };
  },
  [P.REMOTE_PROC_CONNECT_NUM_OF_NETWORKS]: async (ctx) => ({ num: (await ctx.conn.listAllNetworks(ACTIVE)).length }),
  [P.REMOTE_PROC_CONNECT_LIST_NETWORKS]: async (ctx, a) => ({ names: await names(ctx, ACTIVE, a.maxnames) }),
  [P.REMOTE_PROC_CONNECT_NUM_OF_DEFINED_NETWORKS]: async (ctx) => ({ num: (await ctx.conn.listAllNetworks(INACTIVE)).length }),
  [P.REMOTE_PROC_CONNECT_LIST_DEFINED_NETWORKS]: async (ctx, a) => ({ names: await names(ctx, INACTIVE, a.maxnames) }),
  [P.REMOTE_PROC_NETWORK_LOOKUP_BY_NAME]: async (ctx, a) => ({ net: wireNetwork(await ctx.conn.networkLookupByName(a.name)) }),
  [P.REMOTE_PROC_NETWORK_LOOKUP_BY_UUID]: async (ctx, a) => ({ net: wireNetwork(await ctx.conn.networkLookupByUUIDString(uuidText(a.uuid))) }),
  [P.REMOTE_PROC_NETWORK_DEFINE_XML]: async (ctx, a) => ({ net: wireNetwork(await ctx.conn.networkDefineXML(a.xml)) }),
  [P.REMOTE_PROC_NETWORK_DEFINE_XML_FLAGS]: async (ctx, a) => ({ net: wireNetwork(await ctx.conn.networkDefineXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_NETWORK_CREATE_XML]: async (ctx, a) => ({ net: wireNetwork(await ctx.conn.networkCreateXML(a.xml)) }),
  [P.REMOTE_PROC_NETWORK_CREATE_XML_FLAGS]: async (ctx, a) => ({ net: wireNetwork(await ctx.conn.networkCreateXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_NETWORK_CREATE]: async (ctx, a) => net(ctx, a.net).create(),
  [P.REMOTE_PROC_NETWORK_DESTROY]: async (ctx, a) => net(ctx, a.net).destroy(),
  [P.REMOTE_PROC_NETWORK_UNDEFINE]: async (ctx, a) => net(ctx, a.net).undefine(),
  [P.REMOTE_PROC_NETWORK_GET_XML_DESC]: async (ctx, a) => ({ xml: await net(ctx, a.net).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_NETWORK_IS_ACTIVE]: async (ctx, a) => ({ active: Number(await net(ctx, a.net).isActive()) }),
  [P.REMOTE_PROC_NETWORK_IS_PERSISTENT]: async (ctx, a) => ({ persistent: Number(await net(ctx, a.net).isPersistent()) }),
  [P.REMOTE_PROC_NETWORK_GET_AUTOSTART]: async (ctx, a) => ({ autostart: Number(await net(ctx, a.net).getAutostart()) }),
  [P.REMOTE_PROC_NETWORK_SET_AUTOSTART]: async (ctx, a) => net(ctx, a.net).setAutostart(a.autostart !== 0),
  [P.REMOTE_PROC_NETWORK_GET_BRIDGE_NAME]: async (ctx, a) => ({ name: await net(ctx, a.net).getBridgeName() }),
  // In the right order since we answer NETWORK_UPDATE_HAS_CORRECT_ORDER (older clients swap them).
  [P.REMOTE_PROC_NETWORK_UPDATE]: async (ctx, a) => net(ctx, a.net).update(a.command, a.section, a.parentIndex, a.xml, a.flags),
  [P.REMOTE_PROC_NETWORK_GET_DHCP_LEASES]: async (ctx, a) => {
    const leases = await net(ctx, a.net).getDHCPLeases(a.mac ?? undefined, a.flags);
    return {
      leases: a.need_results ? leases.map((l) => ({
        iface: l.iface, expirytime: BigInt(l.expiryTime), type: l.type, mac: l.mac, iaid: l.iaid ?? null,
        ipaddr: l.ipaddr, prefix: l.prefix, hostname: l.hostname ?? null, clientid: l.clientid ?? null,
      })) : [],
      ret: leases.length,
    };
  },
  [P.REMOTE_PROC_NETWORK_LIST_ALL_PORTS]: async (ctx, a) => {
    const list = await net(ctx, a.network).listAllPorts(a.flags);
    return { ports: a.need_results ? list.map(wirePort) : [], ret: list.length };
  },
  [P.REMOTE_PROC_NETWORK_PORT_LOOKUP_BY_UUID]: async (ctx, a) => ({ port: wirePort(await net(ctx, a.network).portLookupByUUIDString(uuidText(a.uuid))) }),
  [P.REMOTE_PROC_NETWORK_PORT_CREATE_XML]: async (ctx, a) => ({ port: wirePort(await net(ctx, a.network).portCreateXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_NETWORK_PORT_GET_XML_DESC]: async (ctx, a) => ({ xml: await port(ctx, a.port).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_NETWORK_PORT_DELETE]: async (ctx, a) => port(ctx, a.port).delete(a.flags),
};
