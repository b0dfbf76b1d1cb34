import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { DomainRef } from '../driver/driver-types.js';
import type { MigrationCookie } from '../driver/domain-migration-entry-points.js';
import { DomainMigrateFlags as MF, DomainMigrateParam as MP } from '../domain-control-flags.js';
import { DomainState } from '../flags.js';
import { typedString, type TypedParameter } from '../typed-params.js';
import type { Connection } from './connection.js';
import { tableCaller } from './handle.js';

const EMPTY: MigrationCookie = new Uint8Array(0);

/** Flags the destination is not told about: they tune the source's sending only. */
const SOURCE_ONLY = MF.ABORT_ON_ERROR | MF.AUTO_CONVERGE;

/** `params` with `field` set to `value` (replaced where present), as virTypedParamsReplaceString. */
export function replaceStringParam(params: readonly TypedParameter[], field: string, value: string): TypedParameter[] {
  return [...params.filter((p) => p.field !== field), typedString(field, value)];
}

/** The source side of a v3 migration: its connection and the domain's reference there. */
export interface MigrationSource {
  readonly conn: Connection;
  readonly ref: DomainRef;
}

/**
 * The destination's Prepare phase on `dconn` (libvirt_internal's virDomainMigratePrepare3Params).
 * A destination without it is refused as libvirt refuses it: naming virDomainMigrate3.
 */
export function migratePrepare3(dconn: Connection, params: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number) {
  return tableCaller(dconn, 'hypervisor')('domainMigratePrepare3Params', 'virDomainMigrate3', 'write')(params, cookieIn, flags);
}

/** The destination's Finish phase on `dconn` (virDomainMigrateFinish3Params). */
export function migrateFinish3(dconn: Connection, params: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number, cancelled: number) {
  return tableCaller(dconn, 'hypervisor')('domainMigrateFinish3Params', 'virDomainMigrate3', 'write')(params, cookieIn, flags, cancelled);
}

/**
 * virDomainMigrate3 without peer to peer, run by the client as libvirt's
 * virDomainMigrateVersion3Full: Begin (source), Prepare (destination), Perform (source), Finish
 * (destination), Confirm (source). A failed Prepare or Perform still runs Finish and Confirm as
 * cancelled, so both sides roll back; the first error is the one raised. Answers the domain's
 * reference on the destination.
 */
export async function migrateVersion3(src: MigrationSource, dconn: Connection, params: readonly TypedParameter[],
  flags: number): Promise<DomainRef> {
  const source = tableCaller(src.conn, 'hypervisor');
  const api = 'virDomainMigrate3';
  if (!(flags & MF.OFFLINE)) {
    const { state } = await source('domainGetState', api)(src.ref, 0);
    // a paused domain stays paused on the destination
    if (state === DomainState.PAUSED) flags |= MF.PAUSED;
  }
  const destFlags = flags & ~SOURCE_ONLY;
  const begin = await source('domainMigrateBegin3Params', api, 'write')(src.ref, params, flags);
  let cur = replaceStringParam(params, MP.DEST_XML, begin.xml);
  let cookie = begin.cookieOut;
  let failure: unknown;
  let cancelled = 0;
  let ddom: DomainRef | undefined;
  try {
    const prep = await migratePrepare3(dconn, cur, cookie, destFlags);
    cookie = prep.cookieOut;
    if (prep.uriOut !== undefined) cur = replaceStringParam(cur, MP.URI, prep.uriOut);
  } catch (e) {
    await source('domainMigrateConfirm3Params', api, 'write')(src.ref, cur, EMPTY, flags, 1).catch(() => undefined);
    throw e;
  }
  if (!(flags & MF.OFFLINE)) {
    try {
      cookie = await source('domainMigratePerform3Params', api, 'write')(src.ref, undefined, cur, cookie, flags);
    } catch (e) {
      failure = e;
      cancelled = 1;
      cookie = EMPTY;
    }
  }
  try {
    const fin = await migrateFinish3(dconn, cur, cookie, destFlags, cancelled);
    ddom = fin.dom;
    cookie = fin.cookieOut;
  } catch (e) {
    failure ??= e;
    cancelled = 1;
    cookie = EMPTY;
  }
  try {
    await source('domainMigrateConfirm3Params', api, 'write')(src.ref, cur, cookie, flags, cancelled);
  } catch (e) {
    failure ??= e;
  }
  if (failure !== undefined) throw failure;
  if (cancelled || !ddom) throw new VirError(ErrorCode.INTERNAL_ERROR, 'migration failed', ErrorDomain.DOMAIN);
  return ddom;
}

/** The checks virDomainMigrate3 and virDomainMigrateToURI3 make before any driver is asked. */
export function checkMigrateMode(flags: number): void {
  if (flags & MF.TUNNELLED && !(flags & MF.PEER2PEER)) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot perform tunnelled migration without using peer2peer flag', ErrorDomain.DOMAIN);
  }
}
