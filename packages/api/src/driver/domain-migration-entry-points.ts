import type { DomainRef } from './driver-types.js';
import type { TypedParameter } from '../typed-params.js';

/**
 * A migration cookie: bytes one phase hands the next through the client, opaque to the API (the
 * wire's `opaque cookie<REMOTE_MIGRATE_COOKIE_MAX>`). Empty when a phase has nothing to say.
 */
export type MigrationCookie = Uint8Array;

/** What the source's Begin phase answers: its cookie and the domain XML the destination gets. */
export interface MigrateBeginResult {
  readonly cookieOut: MigrationCookie;
  readonly xml: string;
}

/** What the destination's Prepare phase answers: its cookie and the URI QEMU listens on, if it chose one. */
export interface MigratePrepareResult {
  readonly cookieOut: MigrationCookie;
  readonly uriOut?: string;
}

/** What the destination's Finish phase answers: the domain now running (or defined) there. */
export interface MigrateFinishResult {
  readonly dom: DomainRef;
  readonly cookieOut: MigrationCookie;
}

/**
 * libvirt's migration protocol version 3 with typed parameters (VIR_MIGRATE_PARAM_*, the API's
 * DomainMigrateParam), its five phases in the order virDomainMigrate3 runs them: Begin and Perform
 * and Confirm on the source, Prepare and Finish on the destination. `flags` are DomainMigrateFlags.
 * The argument order is the wire's (remote_domain_migrate_*3_params_args), so the remote driver
 * carries them one to one. Part of HypervisorDriver; every member is optional.
 */
export interface DomainMigrationEntryPoints {
  /** Source: starts the migration job and describes the domain for the destination. */
  domainMigrateBegin3Params?(dom: DomainRef, params: readonly TypedParameter[], flags: number): Promise<MigrateBeginResult>;
  /** Destination: makes the incoming domain (DEST_XML in `params`) and readies its receiving end. */
  domainMigratePrepare3Params?(params: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number): Promise<MigratePrepareResult>;
  /**
   * Source: sends the domain to the URI (`params`' URI) Prepare gave. With PEER2PEER the source runs
   * Prepare and Finish itself on `dconnuri`, opened through the public API; otherwise undefined.
   * Answers the cookie for Finish.
   */
  domainMigratePerform3Params?(dom: DomainRef, dconnuri: string | undefined, params: readonly TypedParameter[],
    cookieIn: MigrationCookie, flags: number): Promise<MigrationCookie>;
  /**
   * Destination: with `cancelled` 0 resumes (or keeps paused) and persists the incoming domain;
   * with 1 kills it, removes every trace of it and rejects (libvirt answers no domain). Refuses
   * (and cleans up) when it cannot finish.
   */
  domainMigrateFinish3Params?(params: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number,
    cancelled: number): Promise<MigrateFinishResult>;
  /**
   * Source: with `cancelled` 0 the domain ran away, so stop it here (and undefine it with
   * UNDEFINE_SOURCE); with 1 roll back: resume it where it was running.
   */
  domainMigrateConfirm3Params?(dom: DomainRef, params: readonly TypedParameter[], cookieIn: MigrationCookie, flags: number,
    cancelled: number): Promise<void>;
}
