import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { interfaceOf, nodeDeviceOf, wireInterface, wireNodeDevice } from '../wire-objects.js';

const P = remote;
const iface = (ctx: ClientContext, i: remote.remote_nonnull_interface) => interfaceOf(ctx.conn, i);
const dev = (ctx: ClientContext, name: string) => nodeDeviceOf(ctx.conn, name);
/** libvirt's VIR_CONNECT_LIST_INTERFACES_INACTIVE / _ACTIVE. */
const INACTIVE = 1;
const ACTIVE = 2;
const ifaceNames = async (ctx: ClientContext, flags: number, max: number) =>
  (await ctx.conn.listAllInterfaces(flags)).map((i) => i.getName()).slice(0, max);

/** Names of the node devices that have capability `cap` (all when null), as the old listing calls give them. */
async function deviceNames(ctx: ClientContext, cap: string | null): Promise<string[]> {
  const all = await ctx.conn.listAllDevices(0);
  if (cap === null) return all.map((d) => d.getName());
  const caps = await Promise.all(all.map((d) => d.listCaps()));
  return all.filter((_, i) => caps[i]!.includes(cap)).map((d) => d.getName());
}

/** Host interfaces and node devices. */
export const hostDeviceHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_LIST_ALL_INTERFACES]: async (ctx, a) => {
    const list = await ctx.conn.listAllInterfaces(a.flags);
    return { ifaces: a.need_results ? list.map(wireInterface) : [], ret: list.length };
  },
  [P.REMOTE_PROC_CONNECT_NUM_OF_INTERFACES]: async (ctx) => ({ num: (await ctx.conn.listAllInterfaces(ACTIVE)).length }),
  [P.REMOTE_PROC_CONNECT_LIST_INTERFACES]: async (ctx, a) => ({ names: await ifaceNames(ctx, ACTIVE, a.maxnames) }),
  [P.REMOTE_PROC_CONNECT_NUM_OF_DEFINED_INTERFACES]: async (ctx) => ({ num: (await ctx.conn.listAllInterfaces(INACTIVE)).length }),
  [P.REMOTE_PROC_CONNECT_LIST_DEFINED_INTERFACES]: async (ctx, a) => ({ names: await ifaceNames(ctx, INACTIVE, a.maxnames) }),
  [P.REMOTE_PROC_INTERFACE_LOOKUP_BY_NAME]: async (ctx, a) => ({ iface: wireInterface(await ctx.conn.interfaceLookupByName(a.name)) }),
  [P.REMOTE_PROC_INTERFACE_LOOKUP_BY_MAC_STRING]: async (ctx, a) => ({ iface: wireInterface(await ctx.conn.interfaceLookupByMACString(a.mac)) }),
  [P.REMOTE_PROC_INTERFACE_DEFINE_XML]: async (ctx, a) => ({ iface: wireInterface(await ctx.conn.interfaceDefineXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_INTERFACE_GET_XML_DESC]: async (ctx, a) => ({ xml: await iface(ctx, a.iface).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_INTERFACE_UNDEFINE]: async (ctx, a) => iface(ctx, a.iface).undefine(),
  [P.REMOTE_PROC_INTERFACE_CREATE]: async (ctx, a) => iface(ctx, a.iface).create(a.flags),
  [P.REMOTE_PROC_INTERFACE_DESTROY]: async (ctx, a) => iface(ctx, a.iface).destroy(a.flags),
  [P.REMOTE_PROC_INTERFACE_IS_ACTIVE]: async (ctx, a) => ({ active: Number(await iface(ctx, a.iface).isActive()) }),
  [P.REMOTE_PROC_INTERFACE_CHANGE_BEGIN]: async (ctx, a) => ctx.conn.changeBegin(a.flags),
  [P.REMOTE_PROC_INTERFACE_CHANGE_COMMIT]: async (ctx, a) => ctx.conn.changeCommit(a.flags),
  [P.REMOTE_PROC_INTERFACE_CHANGE_ROLLBACK]: async (ctx, a) => ctx.conn.changeRollback(a.flags),

  [P.REMOTE_PROC_CONNECT_LIST_ALL_NODE_DEVICES]: async (ctx, a) => {
    const list = await ctx.conn.listAllDevices(a.flags);
    return { devices: a.need_results ? list.map(wireNodeDevice) : [], ret: list.length };
  },
  [P.REMOTE_PROC_NODE_NUM_OF_DEVICES]: async (ctx, a) => ({ num: (await deviceNames(ctx, a.cap)).length }),
  [P.REMOTE_PROC_NODE_LIST_DEVICES]: async (ctx, a) => ({ names: (await deviceNames(ctx, a.cap)).slice(0, a.maxnames) }),
  [P.REMOTE_PROC_NODE_DEVICE_LOOKUP_BY_NAME]: async (ctx, a) => ({ dev: wireNodeDevice(await ctx.conn.nodeDeviceLookupByName(a.name)) }),
  [P.REMOTE_PROC_NODE_DEVICE_LOOKUP_SCSI_HOST_BY_WWN]: async (ctx, a) => ({
    dev: wireNodeDevice(await ctx.conn.nodeDeviceLookupSCSIHostByWWN(a.wwnn, a.wwpn, a.flags)),
  }),
  [P.REMOTE_PROC_NODE_DEVICE_CREATE_XML]: async (ctx, a) => ({ dev: wireNodeDevice(await ctx.conn.nodeDeviceCreateXML(a.xml_desc, a.flags)) }),
  [P.REMOTE_PROC_NODE_DEVICE_DEFINE_XML]: async (ctx, a) => ({ dev: wireNodeDevice(await ctx.conn.nodeDeviceDefineXML(a.xml_desc, a.flags)) }),
  [P.REMOTE_PROC_NODE_DEVICE_GET_XML_DESC]: async (ctx, a) => ({ xml: await dev(ctx, a.name).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_NODE_DEVICE_GET_PARENT]: async (ctx, a) => ({ parentName: (await dev(ctx, a.name).getParent()) ?? null }),
  [P.REMOTE_PROC_NODE_DEVICE_NUM_OF_CAPS]: async (ctx, a) => ({ num: (await dev(ctx, a.name).listCaps()).length }),
  [P.REMOTE_PROC_NODE_DEVICE_LIST_CAPS]: async (ctx, a) => ({ names: (await dev(ctx, a.name).listCaps()).slice(0, a.maxnames) }),
  [P.REMOTE_PROC_NODE_DEVICE_IS_ACTIVE]: async (ctx, a) => ({ active: Number(await dev(ctx, a.name).isActive()) }),
  [P.REMOTE_PROC_NODE_DEVICE_IS_PERSISTENT]: async (ctx, a) => ({ persistent: Number(await dev(ctx, a.name).isPersistent()) }),
  [P.REMOTE_PROC_NODE_DEVICE_GET_AUTOSTART]: async (ctx, a) => ({ autostart: Number(await dev(ctx, a.name).getAutostart()) }),
  [P.REMOTE_PROC_NODE_DEVICE_SET_AUTOSTART]: async (ctx, a) => dev(ctx, a.name).setAutostart(a.autostart !== 0),
  [P.REMOTE_PROC_NODE_DEVICE_DESTROY]: async (ctx, a) => dev(ctx, a.name).destroy(),
  [P.REMOTE_PROC_NODE_DEVICE_CREATE]: async (ctx, a) => dev(ctx, a.name).create(a.flags),
  [P.REMOTE_PROC_NODE_DEVICE_UNDEFINE]: async (ctx, a) => dev(ctx, a.name).undefine(a.flags),
  [P.REMOTE_PROC_NODE_DEVICE_DETTACH]: async (ctx, a) => dev(ctx, a.name).dettach(),
  [P.REMOTE_PROC_NODE_DEVICE_DETACH_FLAGS]: async (ctx, a) => dev(ctx, a.name).detachFlags(a.driverName ?? undefined, a.flags),
  [P.REMOTE_PROC_NODE_DEVICE_RE_ATTACH]: async (ctx, a) => dev(ctx, a.name).reAttach(),
  [P.REMOTE_PROC_NODE_DEVICE_RESET]: async (ctx, a) => dev(ctx, a.name).reset(),
};
