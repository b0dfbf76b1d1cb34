import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { domainOf } from '../wire-objects.js';
import { apiParams } from '../wire-values.js';
import type { ClientContext } from '../client-context.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);
/** rpcgen's optional string: absent as null on the wire, undefined in the API. */
const opt = (s: string | null | undefined): string | undefined => s ?? undefined;

/** Block jobs and block device changes (virDomainBlock*, virDomainSetBlockThreshold). */
export const domainBlockJobHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_GET_BLOCK_JOB_INFO]: async (ctx, a) => {
    const info = await dom(ctx, a.dom).blockJobInfo(a.path, a.flags);
    return info ? { found: 1, ...info } : { found: 0, type: 0, bandwidth: 0n, cur: 0n, end: 0n };
  },
  [P.REMOTE_PROC_DOMAIN_BLOCK_JOB_ABORT]: async (ctx, a) => dom(ctx, a.dom).blockJobAbort(a.path, a.flags),
  [P.REMOTE_PROC_DOMAIN_BLOCK_JOB_SET_SPEED]: async (ctx, a) => dom(ctx, a.dom).blockJobSetSpeed(a.path, a.bandwidth, a.flags),
  [P.REMOTE_PROC_DOMAIN_BLOCK_PULL]: async (ctx, a) => dom(ctx, a.dom).blockPull(a.path, a.bandwidth, a.flags),
  [P.REMOTE_PROC_DOMAIN_BLOCK_REBASE]: async (ctx, a) => dom(ctx, a.dom).blockRebase(a.path, opt(a.base), a.bandwidth, a.flags),
  [P.REMOTE_PROC_DOMAIN_BLOCK_COPY]: async (ctx, a) => dom(ctx, a.dom).blockCopy(a.path, a.destxml, apiParams(a.params), a.flags),
  [P.REMOTE_PROC_DOMAIN_BLOCK_COMMIT]: async (ctx, a) => dom(ctx, a.dom).blockCommit(a.disk, opt(a.base), opt(a.top), a.bandwidth, a.flags),
  [P.REMOTE_PROC_DOMAIN_BLOCK_RESIZE]: async (ctx, a) => dom(ctx, a.dom).blockResize(a.disk, a.size, a.flags),
  [P.REMOTE_PROC_DOMAIN_SET_BLOCK_THRESHOLD]: async (ctx, a) => dom(ctx, a.dom).setBlockThreshold(a.dev, a.threshold, a.flags),
};
