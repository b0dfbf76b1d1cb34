import type { DomainRef } from '../driver/driver-types.js';
import type { MigrationCookie } from '../driver/domain-migration-entry-points.js';
import type { TypedParameter } from '../typed-params.js';
import type { Connection } from './connection.js';
import { hasEntryPoint, tableCaller } from './handle.js';

/**
 * The source's phases of a v3 migration on `conn`, for a daemon that serves them to a client
 * running virDomainMigrate3 itself (libvirt_internal's virDomainMigrateBegin3Params,
 * virDomainMigratePerform3Params, virDomainMigrateConfirm3Params); the destination's are
 * migratePrepare3 and migrateFinish3.
 */
export function migrateBegin3(conn: Connection, dom: DomainRef, params: readonly TypedParameter[], flags: number) {
  return tableCaller(conn, 'hypervisor')('domainMigrateBegin3Params', 'virDomainMigrateBegin3Params', 'write')(dom, params, flags);
}

export function migratePerform3(conn: Connection, dom: DomainRef, dconnuri: string | undefined, params: readonly TypedParameter[],
  cookieIn: MigrationCookie, flags: number) {
  return tableCaller(conn, 'hypervisor')('domainMigratePerform3Params', 'virDomainMigratePerform3Params', 'write')(dom, dconnuri, params, cookieIn, flags);
}

export function migrateConfirm3(conn: Connection, dom: DomainRef, params: readonly TypedParameter[], cookieIn: MigrationCookie,
  flags: number, cancelled: number) {
  return tableCaller(conn, 'hypervisor')('domainMigrateConfirm3Params', 'virDomainMigrateConfirm3Params', 'write')(dom, params, cookieIn, flags, cancelled);
}

const PHASES = ['domainMigrateBegin3Params', 'domainMigratePrepare3Params', 'domainMigratePerform3Params',
  'domainMigrateFinish3Params', 'domainMigrateConfirm3Params'] as const;

/**
 * Whether `conn`'s driver has all five phases, which is what a daemon's
 * VIR_DRV_FEATURE_MIGRATION_V3 and MIGRATION_PARAMS answers tell a client.
 */
export function hasMigrationPhases(conn: Connection): boolean {
  return PHASES.every((p) => hasEntryPoint(conn, 'hypervisor', p));
}
