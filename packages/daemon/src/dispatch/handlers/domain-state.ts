import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import type { ClientContext } from '../client-context.js';
import { domainOf } from '../wire-objects.js';
import { wireParams } from '../wire-values.js';

const P = remote;
const dom = (ctx: ClientContext, d: remote.remote_nonnull_domain) => domainOf(ctx.conn, d);
const opt = (s: string | null): string | undefined => s ?? undefined;

/** A domain's state outside its run state: saves, managed saves, metadata, jobs, the guest agent. */
export const domainStateHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_SAVE]: async (ctx, a) => dom(ctx, a.dom).save(a.to),
  [P.REMOTE_PROC_DOMAIN_SAVE_FLAGS]: async (ctx, a) => dom(ctx, a.dom).save(a.to, opt(a.dxml), a.flags),
  [P.REMOTE_PROC_DOMAIN_RESTORE]: async (ctx, a) => ctx.conn.restore(a.from),
  [P.REMOTE_PROC_DOMAIN_RESTORE_FLAGS]: async (ctx, a) => ctx.conn.restore(a.from, opt(a.dxml), a.flags),
  [P.REMOTE_PROC_DOMAIN_SAVE_IMAGE_GET_XML_DESC]: async (ctx, a) => ({ xml: await ctx.conn.saveImageGetXMLDesc(a.file, a.flags) }),
  [P.REMOTE_PROC_DOMAIN_SAVE_IMAGE_DEFINE_XML]: async (ctx, a) => ctx.conn.saveImageDefineXML(a.file, a.dxml, a.flags),
  [P.REMOTE_PROC_DOMAIN_MANAGED_SAVE]: async (ctx, a) => dom(ctx, a.dom).managedSave(a.flags),
  [P.REMOTE_PROC_DOMAIN_MANAGED_SAVE_REMOVE]: async (ctx, a) => dom(ctx, a.dom).managedSaveRemove(a.flags),
  [P.REMOTE_PROC_DOMAIN_MANAGED_SAVE_GET_XML_DESC]: async (ctx, a) => ({ xml: await dom(ctx, a.dom).managedSaveGetXMLDesc(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_MANAGED_SAVE_DEFINE_XML]: async (ctx, a) => dom(ctx, a.dom).managedSaveDefineXML(a.dxml ?? '', a.flags),
  [P.REMOTE_PROC_DOMAIN_RENAME]: async (ctx, a) => {
    await dom(ctx, a.dom).rename(a.new_name ?? '', a.flags);
    return { retcode: 0 };
  },
  [P.REMOTE_PROC_DOMAIN_SET_METADATA]: async (ctx, a) => dom(ctx, a.dom).setMetadata(a.type, opt(a.metadata), opt(a.key), opt(a.uri), a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_METADATA]: async (ctx, a) => ({ metadata: await dom(ctx, a.dom).metadata(a.type, opt(a.uri), a.flags) }),
  [P.REMOTE_PROC_DOMAIN_GET_JOB_INFO]: async (ctx, a) => dom(ctx, a.dom).getJobInfo(),
  [P.REMOTE_PROC_DOMAIN_GET_JOB_STATS]: async (ctx, a) => {
    const s = await dom(ctx, a.dom).getJobStats(a.flags);
    return { type: s.type, params: wireParams(s.params) };
  },
  [P.REMOTE_PROC_DOMAIN_ABORT_JOB]: async (ctx, a) => dom(ctx, a.dom).abortJob(),
  [P.REMOTE_PROC_DOMAIN_ABORT_JOB_FLAGS]: async (ctx, a) => dom(ctx, a.dom).abortJob(a.flags),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_GET_MAX_DOWNTIME]: async (ctx, a) => ({ downtime: await dom(ctx, a.dom).migrateGetMaxDowntime(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_SET_MAX_DOWNTIME]: async (ctx, a) => dom(ctx, a.dom).migrateSetMaxDowntime(a.downtime, a.flags),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_GET_COMPRESSION_CACHE]: async (ctx, a) => ({ cacheSize: await dom(ctx, a.dom).migrateGetCompressionCache(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_SET_COMPRESSION_CACHE]: async (ctx, a) => dom(ctx, a.dom).migrateSetCompressionCache(a.cacheSize, a.flags),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_GET_MAX_SPEED]: async (ctx, a) => ({ bandwidth: await dom(ctx, a.dom).migrateGetMaxSpeed(a.flags) }),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_SET_MAX_SPEED]: async (ctx, a) => dom(ctx, a.dom).migrateSetMaxSpeed(a.bandwidth, a.flags),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_START_POST_COPY]: async (ctx, a) => dom(ctx, a.dom).migrateStartPostCopy(a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_GUEST_VCPUS]: async (ctx, a) => ({ params: wireParams(await dom(ctx, a.dom).getGuestVcpus(a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_SET_GUEST_VCPUS]: async (ctx, a) => dom(ctx, a.dom).setGuestVcpus(a.cpumap, a.state !== 0, a.flags),
  [P.REMOTE_PROC_DOMAIN_GET_GUEST_INFO]: async (ctx, a) => ({ params: wireParams(await dom(ctx, a.dom).getGuestInfo(a.types, a.flags)) }),
  [P.REMOTE_PROC_DOMAIN_AGENT_SET_RESPONSE_TIMEOUT]: async (ctx, a) => {
    await dom(ctx, a.dom).agentSetResponseTimeout(a.timeout, a.flags);
    return { result: 0 };
  },
  [P.REMOTE_PROC_DOMAIN_START_DIRTY_RATE_CALC]: async (ctx, a) => dom(ctx, a.dom).startDirtyRateCalc(a.seconds, a.flags),
  [P.REMOTE_PROC_DOMAIN_PM_SUSPEND_FOR_DURATION]: async (ctx, a) => dom(ctx, a.dom).pmSuspendForDuration(a.target, a.duration, a.flags),
  [P.REMOTE_PROC_DOMAIN_PM_WAKEUP]: async (ctx, a) => dom(ctx, a.dom).pmWakeup(a.flags),
  [P.REMOTE_PROC_DOMAIN_BACKUP_BEGIN]: async (ctx, a) => dom(ctx, a.dom).backupBegin(a.backup_xml, opt(a.checkpoint_xml), a.flags),
  [P.REMOTE_PROC_DOMAIN_BACKUP_GET_XML_DESC]: async (ctx, a) => ({ xml: await dom(ctx, a.dom).backupGetXMLDesc(a.flags) }),
};
