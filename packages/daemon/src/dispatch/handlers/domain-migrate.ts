import { migrateBegin3, migrateConfirm3, migrateFinish3, migratePerform3, migratePrepare3 } from '@tsvirt/api';
import { remote } from '@tsvirt/remote/protocol';
import type { RemoteHandlers } from '../handler-table.js';
import { domainOf, wireDomain } from '../wire-objects.js';
import { apiParams } from '../wire-values.js';

const P = remote;

/**
 * The five phases of a v3 migration with typed parameters, which a client runs across two
 * daemons (virDomainMigrate3): Begin, Perform and Confirm on the source, Prepare and Finish on the
 * destination; the cookies pass through the client untouched. A Perform with a `dconnuri`
 * (peer to peer) has the source's driver reach the destination itself.
 */
export const domainMigrateHandlers: RemoteHandlers = {
  [P.REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS]: async (ctx, a) => {
    const r = await migrateBegin3(ctx.conn, domainOf(ctx.conn, a.dom).ref, apiParams(a.params), a.flags);
    return { cookie_out: r.cookieOut, xml: r.xml };
  },
  [P.REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS]: async (ctx, a) => {
    const r = await migratePrepare3(ctx.conn, apiParams(a.params), a.cookie_in, a.flags);
    return { cookie_out: r.cookieOut, uri_out: r.uriOut ?? null };
  },
  [P.REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS]: async (ctx, a) => ({
    cookie_out: await migratePerform3(ctx.conn, domainOf(ctx.conn, a.dom).ref, a.dconnuri ?? undefined, apiParams(a.params), a.cookie_in, a.flags),
  }),
  [P.REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS]: async (ctx, a) => {
    const r = await migrateFinish3(ctx.conn, apiParams(a.params), a.cookie_in, a.flags, a.cancelled);
    return { dom: wireDomain(r.dom), cookie_out: r.cookieOut };
  },
  [P.REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS]: async (ctx, a) => {
    await migrateConfirm3(ctx.conn, domainOf(ctx.conn, a.dom).ref, apiParams(a.params), a.cookie_in, a.flags, a.cancelled);
  },
};
