import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { domainOf } from '../wire-objects.js';
import type { ClientContext } from '../client-context.js';
import { cString } from './connect.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);
const big = (n: number | bigint): bigint => BigInt(n);

/** What a domain is: its XML, state, counters and properties. */
export const domainInfoHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_GET_XML_DESC]: async (ctx, a) => ({ xml: await dom(ctx, a.dom).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_GET_INFO]: async (ctx, a) => {
    const i = await dom(ctx, a.dom).getInfo();
    return { state: i.state, maxMem: big(i.maxMem), memory: big(i.memory), nrVirtCpu: i.nrVirtCpu, cpuTime: i.cpuTime };
  },
  [P.REMOTE_PROC_DOMAIN_GET_STATE]: async (ctx, a) => {
    const [state, reason] = await dom(ctx, a.dom).getState(a.flags);
    return { state, reason };
  },
  [P.REMOTE_PROC_DOMAIN_GET_OS_TYPE]: async (ctx, a) => ({ type: await dom(ctx, a.dom).getOSType() }),
  [P.REMOTE_PROC_DOMAIN_IS_ACTIVE]: async (ctx, a) => ({ active: Number(await dom(ctx, a.dom).isActive()) }),
  [P.REMOTE_PROC_DOMAIN_IS_PERSISTENT]: async (ctx, a) => ({ persistent: Number(await dom(ctx, a.dom).isPersistent()) }),
  [P.REMOTE_PROC_DOMAIN_GET_AUTOSTART]: async (ctx, a) => ({ autostart: Number(await dom(ctx, a.dom).getAutostart()) }),
  [P.REMOTE_PROC_DOMAIN_HAS_MANAGED_SAVE_IMAGE]: async (ctx, a) => ({ result: Number(await dom(ctx, a.dom).hasManagedSaveImage(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL]: async (ctx, a) => {
    const l = await dom(ctx, a.dom).getSecurityLabel();
    return { label: l.label ? cString(l.label) : [], enforcing: Number(l.enforcing) };
  },
  [P.REMOTE_PROC_DOMAIN_GET_SECURITY_LABEL_LIST]: async (ctx, a) => {
    const l = await dom(ctx, a.dom).getSecurityLabel();
    return { labels: [{ label: l.label ? cString(l.label) : [], enforcing: Number(l.enforcing) }], ret: 1 };
  },
  [P.REMOTE_PROC_DOMAIN_GET_MAX_MEMORY]: async (ctx, a) => ({ memory: big((await dom(ctx, a.dom).getInfo()).maxMem) }),
  [P.REMOTE_PROC_DOMAIN_GET_VCPUS_FLAGS]: async (ctx, a) => ({ num: await dom(ctx, a.dom).vcpusFlags(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_GET_MESSAGES]: async (ctx, a) => ({ msgs: await dom(ctx, a.dom).getMessages(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_BLOCK_STATS]: async (ctx, a) => {
    const s = await dom(ctx, a.dom).blockStats(a.path);
    return { rd_req: big(s.rdReq), rd_bytes: big(s.rdBytes), wr_req: big(s.wrReq), wr_bytes: big(s.wrBytes), errs: big(s.errs) };
  },
  [P.REMOTE_PROC_DOMAIN_GET_BLOCK_INFO]: async (ctx, a) => {
    const b = await dom(ctx, a.dom).blockInfo(a.path, a.flags);
    return { allocation: big(b.allocation), capacity: big(b.capacity), physical: big(b.physical) };
  },
};
