import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { checkpointOf, domainOf, snapshotOf, wireCheckpoint, wireSnapshot } from '../wire-objects.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);
const snap = (ctx: ClientContext, s: remote.remote_nonnull_domain_snapshot) => snapshotOf(ctx.conn, s);
const cp = (ctx: ClientContext, c: remote.remote_nonnull_domain_checkpoint) => checkpointOf(ctx.conn, c);

/** Snapshots and checkpoints of a domain. */
export const domainMomentHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_CREATE_XML]: async (ctx, a) => ({ snap: wireSnapshot(await dom(ctx, a.dom).snapshotCreateXML(a.xml_desc, a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_GET_XML_DESC]: async (ctx, a) => ({ xml: await snap(ctx, a.snap).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_NUM]: async (ctx, a) => ({ num: await dom(ctx, a.dom).snapshotNum(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_NAMES]: async (ctx, a) => ({ names: (await dom(ctx, a.dom).snapshotListNames(a.flags)).slice(0, a.maxnames) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_LOOKUP_BY_NAME]: async (ctx, a) => ({ snap: wireSnapshot(await dom(ctx, a.dom).snapshotLookupByName(a.name, a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_HAS_CURRENT_SNAPSHOT]: async (ctx, a) => ({ result: Number(await dom(ctx, a.dom).hasCurrentSnapshot(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_CURRENT]: async (ctx, a) => ({ snap: wireSnapshot(await dom(ctx, a.dom).snapshotCurrent(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_REVERT_TO_SNAPSHOT]: async (ctx, a) => snap(ctx, a.snap).revert(a.flags),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_DELETE]: async (ctx, a) => snap(ctx, a.snap).delete(a.flags),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_GET_PARENT]: async (ctx, a) => ({ snap: wireSnapshot(await snap(ctx, a.snap).getParent(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_NUM_CHILDREN]: async (ctx, a) => ({ num: await snap(ctx, a.snap).numChildren(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_CHILDREN_NAMES]: async (ctx, a) => ({
    names: (await snap(ctx, a.snap).listChildrenNames(a.flags)).slice(0, a.maxnames),
  }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_IS_CURRENT]: async (ctx, a) => ({ current: Number(await snap(ctx, a.snap).isCurrent(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_HAS_METADATA]: async (ctx, a) => ({ metadata: Number(await snap(ctx, a.snap).hasMetadata(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_LIST_ALL_SNAPSHOTS]: async (ctx, a) => {
    const list = await dom(ctx, a.dom).listAllSnapshots(a.flags);
    return { snapshots: a.need_results ? list.map(wireSnapshot) : [], ret: list.length };
  },
  [P.REMOTE_PROC_DOMAIN_SNAPSHOT_LIST_ALL_CHILDREN]: async (ctx, a) => {
    const list = await snap(ctx, a.snapshot).listAllChildren(a.flags);
    return { snapshots: a.need_results ? list.map(wireSnapshot) : [], ret: list.length };
  },
  [P.REMOTE_PROC_DOMAIN_CHECKPOINT_CREATE_XML]: async (ctx, a) => ({
    checkpoint: wireCheckpoint(await dom(ctx, a.dom).checkpointCreateXML(a.xml_desc, a.flags)),
  }),
  [P.REMOTE_PROC_DOMAIN_CHECKPOINT_GET_XML_DESC]: async (ctx, a) => ({ xml: await cp(ctx, a.checkpoint).getXMLDesc(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_LIST_ALL_CHECKPOINTS]: async (ctx, a) => {
    const list = await dom(ctx, a.dom).listAllCheckpoints(a.flags);
    return { checkpoints: a.need_results ? list.map(wireCheckpoint) : [], ret: list.length };
  },
  [P.REMOTE_PROC_DOMAIN_CHECKPOINT_LIST_ALL_CHILDREN]: async (ctx, a) => {
    const list = await cp(ctx, a.checkpoint).listAllChildren(a.flags);
    return { checkpoints: a.need_results ? list.map(wireCheckpoint) : [], ret: list.length };
  },
  [P.REMOTE_PROC_DOMAIN_CHECKPOINT_LOOKUP_BY_NAME]: async (ctx, a) => ({
    checkpoint: wireCheckpoint(await dom(ctx, a.dom).checkpointLookupByName(a.name, a.flags)),
  }),
  [P.REMOTE_PROC_DOMAIN_CHECKPOINT_GET_PARENT]: async (ctx, a) => ({ parent: wireCheckpoint(await cp(ctx, a.checkpoint).getParent(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_CHECKPOINT_DELETE]: async (ctx, a) => cp(ctx, a.checkpoint).delete(a.flags),
};
