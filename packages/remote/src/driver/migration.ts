/**
 * The five phases of a v3 migration with typed parameters (REMOTE_PROC_DOMAIN_MIGRATE_*3_PARAMS),
 * one procedure each: the API's entry points in the wire's argument order, their replies as the
 * API's results. The cookies pass through as bytes.
 */
import type { DomainRef, MigrateBeginResult, MigrateFinishResult, MigratePrepareResult, MigrationCookie, TypedParameter } from '@tsvirt/api';
import * as P from '../generated/remote-protocol.js';
import { arrayVar, type Codec } from '../protocol/xdr.js';
import { fromWire, toWire } from './convert.js';
import type { RemoteCall } from './entry-points.js';
import { noSupport } from '@tsvirt/util';

const domainCodec = P.remote_nonnull_domain as Codec<unknown>;
const dom = (d: DomainRef): unknown => toWire(domainCodec, d);
const params = (p: readonly TypedParameter[]): unknown => toWire(arrayVar(P.remote_typed_param as Codec<unknown>), p);

/** VIR_MIGRATE_CHANGE_PROTECTION. */
const CHANGE_PROTECTION = 256;

/** The phases; `protect` adds CHANGE_PROTECTION to the source's, as libvirt's client does for a daemon that has it. */
const phases = (protect: number) => ({
  async domainMigrateBegin3Params(call: RemoteCall, d: DomainRef, p: readonly TypedParameter[], flags: number): Promise<MigrateBeginResult> {
    flags |= protect;
    const r = (await call(P.REMOTE_PROC_DOMAIN_MIGRATE_BEGIN3_PARAMS, { dom: dom(d), params: params(p), flags })) as P.remote_domain_migrate_begin3_params_ret;
    return { cookieOut: r.cookie_out, xml: r.xml };
  },
  async domainMigratePrepare3Params(call: RemoteCall, p: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number): Promise<MigratePrepareResult> {
    const r = (await call(P.REMOTE_PROC_DOMAIN_MIGRATE_PREPARE3_PARAMS, { params: params(p), cookie_in: cookieIn, flags })) as P.remote_domain_migrate_prepare3_params_ret;
    return r.uri_out === null ? { cookieOut: r.cookie_out } : { cookieOut: r.cookie_out, uriOut: r.uri_out };
  },
  async domainMigratePerform3Params(call: RemoteCall, d: DomainRef, dconnuri: string | undefined, p: readonly TypedParameter[],
    cookieIn: MigrationCookie, flags: number): Promise<MigrationCookie> {
    // peer to peer, the source's daemon runs the phases and protects them itself
    if (dconnuri === undefined) flags |= protect;
    const args = { dom: dom(d), dconnuri: dconnuri ?? null, params: params(p), cookie_in: cookieIn, flags };
    return ((await call(P.REMOTE_PROC_DOMAIN_MIGRATE_PERFORM3_PARAMS, args)) as P.remote_domain_migrate_perform3_params_ret).cookie_out;
  },
  async domainMigrateFinish3Params(call: RemoteCall, p: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number,
    cancelled: number): Promise<MigrateFinishResult> {
    const r = (await call(P.REMOTE_PROC_DOMAIN_MIGRATE_FINISH3_PARAMS, { params: params(p), cookie_in: cookieIn, flags, cancelled })) as P.remote_domain_migrate_finish3_params_ret;
    return { dom: fromWire(domainCodec, r.dom) as DomainRef, cookieOut: r.cookie_out };
  },
  async domainMigrateConfirm3Params(call: RemoteCall, d: DomainRef, p: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number,
    cancelled: number): Promise<void> {
    await call(P.REMOTE_PROC_DOMAIN_MIGRATE_CONFIRM3_PARAMS, { dom: dom(d), params: params(p), cookie_in: cookieIn, flags: flags | protect, cancelled });
  },
});
type Phases = ReturnType<typeof phases>;

/**
 * The phases, or, when the daemon's driver does not support them, NO_SUPPORT naming the public
 * call (`virDomainMigrate3`), as libvirt's client refuses before any phase goes out.
 */
export function migrationOverrides(daemon: { readonly migrationParams: boolean; readonly changeProtection: boolean }): Phases {
  const all = phases(daemon.changeProtection ? CHANGE_PROTECTION : 0);
  if (daemon.migrationParams) return all;
  const refuse = (name: string) => async (call: RemoteCall): Promise<never> => {
    throw noSupport(call.api ?? `vir${name.slice(0, 1).toUpperCase()}${name.slice(1)}`);
  };
  return Object.fromEntries(Object.keys(all).map((k) => [k, refuse(k)])) as unknown as Phases;
}
