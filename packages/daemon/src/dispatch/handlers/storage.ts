import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { poolOf, uuidText, volOf, wirePool, wireVol } from '../wire-objects.js';

const P = remote;
const pool = (ctx: ClientContext, p: remote.remote_nonnull_storage_pool) => poolOf(ctx.conn, p);
const vol = (ctx: ClientContext, v: remote.remote_nonnull_storage_vol) => volOf(ctx.conn, v);

/** Storage pools and volumes. */
export const storageHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_CONNECT_LIST_ALL_STORAGE_POOLS]: async (ctx, a) => {
    const list = await ctx.conn.listAllStoragePools(a.flags);
    return { pools: a.need_results ? list.map(wirePool) : [], ret: list.length };
  },
  [P.REMOTE_PROC_CONNECT_NUM_OF_STORAGE_POOLS]: async (ctx) => ({ num: await ctx.conn.numOfStoragePools() }),
  [P.REMOTE_PROC_CONNECT_LIST_STORAGE_POOLS]: async (ctx, a) => ({ names: await ctx.conn.listStoragePools(a.maxnames) }),
  [P.REMOTE_PROC_CONNECT_NUM_OF_DEFINED_STORAGE_POOLS]: async (ctx) => ({ num: await ctx.conn.numOfDefinedStoragePools() }),
  [P.REMOTE_PROC_CONNECT_LIST_DEFINED_STORAGE_POOLS]: async (ctx, a) => ({ names: await ctx.conn.listDefinedStoragePools(a.maxnames) }),
  [P.REMOTE_PROC_CONNECT_FIND_STORAGE_POOL_SOURCES]: async (ctx, a) => ({
    xml: await ctx.conn.findStoragePoolSources(a.type, a.srcSpec ?? undefined, a.flags),
  }),
  [P.REMOTE_PROC_CONNECT_GET_STORAGE_POOL_CAPABILITIES]: async (ctx, a) => ({ capabilities: await ctx.conn.getStoragePoolCapabilities(a.flags) }),
  [P.REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_NAME]: async (ctx, a) => ({ pool: wirePool(await ctx.conn.storagePoolLookupByName(a.name)) }),
  [P.REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_UUID]: async (ctx, a) => ({ pool: wirePool(await ctx.conn.storagePoolLookupByUUIDString(uuidText(a.uuid))) }),
  [P.REMOTE_PROC_STORAGE_POOL_LOOKUP_BY_VOLUME]: async (ctx, a) => ({ pool: wirePool(await vol(ctx, a.vol).storagePoolLookupByVolume()) }),
  [P.REMOTE_PROC_STORAGE_POOL_DEFINE_XML]: async (ctx, a) => ({ pool: wirePool(await ctx.conn.storagePoolDefineXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_STORAGE_POOL_CREATE_XML]: async (ctx, a) => ({ pool: wirePool(await ctx.conn.storagePoolCreateXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_STORAGE_POOL_CREATE]: async (ctx, a) => pool(ctx, a.pool).create(a.flags),
  [P.REMOTE_PROC_STORAGE_POOL_BUILD]: async (ctx, a) => pool(ctx, a.pool).build(a.flags),
  [P.REMOTE_PROC_STORAGE_POOL_DESTROY]: async (ctx, a) => pool(ctx, a.pool).destroy(),
  [P.REMOTE_PROC_STORAGE_POOL_DELETE]: async (ctx, a) => pool(ctx, a.pool).delete(a.flags),
  [P.REMOTE_PROC_STORAGE_POOL_UNDEFINE]: async (ctx, a) => pool(ctx, a.pool).undefine(),
  [P.REMOTE_PROC_STORAGE_POOL_REFRESH]: async (ctx, a) => pool(ctx, a.pool).refresh(a.flags),
  [P.REMOTE_PROC_STORAGE_POOL_GET_INFO]: async (ctx, a) => pool(ctx, a.pool).getInfo(),
  [P.REMOTE_PROC_STORAGE_POOL_GET_XML_DESC]: async (ctx, a) => ({ xml: await pool(ctx, a.pool).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_STORAGE_POOL_GET_AUTOSTART]: async (ctx, a) => ({ autostart: Number(await pool(ctx, a.pool).getAutostart()) }),
  [P.REMOTE_PROC_STORAGE_POOL_SET_AUTOSTART]: async (ctx, a) => pool(ctx, a.pool).setAutostart(a.autostart !== 0),
  [P.REMOTE_PROC_STORAGE_POOL_IS_ACTIVE]: async (ctx, a) => ({ active: Number(await pool(ctx, a.pool).isActive()) }),
  [P.REMOTE_PROC_STORAGE_POOL_IS_PERSISTENT]: async (ctx, a) => ({ persistent: Number(await pool(ctx, a.pool).isPersistent()) }),
  [P.REMOTE_PROC_STORAGE_POOL_NUM_OF_VOLUMES]: async (ctx, a) => ({ num: await pool(ctx, a.pool).numOfVolumes() }),
  [P.REMOTE_PROC_STORAGE_POOL_LIST_VOLUMES]: async (ctx, a) => ({ names: await pool(ctx, a.pool).listVolumes(a.maxnames) }),
  [P.REMOTE_PROC_STORAGE_POOL_LIST_ALL_VOLUMES]: async (ctx, a) => {
    const list = await pool(ctx, a.pool).listAllVolumes(a.flags);
    return { vols: a.need_results ? list.map(wireVol) : [], ret: list.length };
  },
  [P.REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_NAME]: async (ctx, a) => ({ vol: wireVol(await pool(ctx, a.pool).storageVolLookupByName(a.name)) }),
  [P.REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_KEY]: async (ctx, a) => ({ vol: wireVol(await ctx.conn.storageVolLookupByKey(a.key)) }),
  [P.REMOTE_PROC_STORAGE_VOL_LOOKUP_BY_PATH]: async (ctx, a) => ({ vol: wireVol(await ctx.conn.storageVolLookupByPath(a.path)) }),
  [P.REMOTE_PROC_STORAGE_VOL_CREATE_XML]: async (ctx, a) => ({ vol: wireVol(await pool(ctx, a.pool).createXML(a.xml, a.flags)) }),
  [P.REMOTE_PROC_STORAGE_VOL_CREATE_XML_FROM]: async (ctx, a) => ({
    vol: wireVol(await pool(ctx, a.pool).createXMLFrom(a.xml, vol(ctx, a.clonevol), a.flags)),
  }),
  [P.REMOTE_PROC_STORAGE_VOL_DELETE]: async (ctx, a) => vol(ctx, a.vol).delete(a.flags),
  [P.REMOTE_PROC_STORAGE_VOL_WIPE]: async (ctx, a) => vol(ctx, a.vol).wipe(a.flags),
  [P.REMOTE_PROC_STORAGE_VOL_WIPE_PATTERN]: async (ctx, a) => vol(ctx, a.vol).wipePattern(a.algorithm, a.flags),
  [P.REMOTE_PROC_STORAGE_VOL_RESIZE]: async (ctx, a) => vol(ctx, a.vol).resize(a.capacity, a.flags),
  [P.REMOTE_PROC_STORAGE_VOL_GET_INFO]: async (ctx, a) => volInfo(await vol(ctx, a.vol).getInfo()),
  [P.REMOTE_PROC_STORAGE_VOL_GET_INFO_FLAGS]: async (ctx, a) => volInfo(await vol(ctx, a.vol).getInfoFlags(a.flags)),
  [P.REMOTE_PROC_STORAGE_VOL_GET_XML_DESC]: async (ctx, a) => ({ xml: await vol(ctx, a.vol).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_STORAGE_VOL_GET_PATH]: async (ctx, a) => ({ name: await vol(ctx, a.vol).getPath() }),
};

function volInfo(i: { type: number; capacity: bigint; allocation: bigint }) {
  return { type: i.type, capacity: i.capacity, allocation: i.allocation };
}

/** Volume transfers: data flows on the call's stream after its reply. */
export const storageStreamHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_STORAGE_VOL_DOWNLOAD]: async (ctx, a, call) => {
    ctx.streams.download(call, await vol(ctx, a.vol).download(a.offset, a.length, a.flags));
  },
  [P.REMOTE_PROC_STORAGE_VOL_UPLOAD]: async (ctx, a, call) => {
    const v = vol(ctx, a.vol);
    await ctx.streams.upload(call, (data) => v.upload(data, a.offset, a.length, a.flags));
  },
};
