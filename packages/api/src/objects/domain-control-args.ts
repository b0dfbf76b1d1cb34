import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { DomainLifecycle, DomainLifecycleAction, DomainMigrateFlags as MF } from '../domain-control-flags.js';
import { checkExclusiveFlags, checkRequiredFlag } from './arg-checks.js';

const count = (o: object): number => Object.keys(o).length;

/** virDomainSetLifecycleAction's range checks, before the driver. */
export function checkLifecycleArgs(type: number, action: number): void {
  if (!(type >= 0 && type < count(DomainLifecycle))) {
    throw new VirError(ErrorCode.INVALID_ARG, `invalid lifecycle type '${type >>> 0}'`, ErrorDomain.DOMAIN);
  }
  if (!(action >= 0 && action < count(DomainLifecycleAction))) {
    throw new VirError(ErrorCode.INVALID_ARG, `invalid lifecycle action '${action >>> 0}'`, ErrorDomain.DOMAIN);
  }
}

/** The flag pairs virDomainMigrate3 and virDomainMigrateToURI3 refuse together. */
export function checkMigrateFlags(flags: number): void {
  checkExclusiveFlags(flags, MF.NON_SHARED_DISK, 'VIR_MIGRATE_NON_SHARED_DISK', MF.NON_SHARED_INC, 'VIR_MIGRATE_NON_SHARED_INC');
  checkRequiredFlag(flags, MF.NON_SHARED_SYNCHRONOUS_WRITES, 'VIR_MIGRATE_NON_SHARED_SYNCHRONOUS_WRITES',
    MF.NON_SHARED_DISK | MF.NON_SHARED_INC, 'VIR_MIGRATE_NON_SHARED_DISK | VIR_MIGRATE_NON_SHARED_INC');
}

/**
 * A source driver without peer-to-peer or direct migration: libvirt names what the source host
 * lacks rather than the function.
 */
export function migrateUnsupported(e: unknown, flags: number): unknown {
  if (!(e instanceof VirError) || e.code !== ErrorCode.NO_SUPPORT) return e;
  const how = flags & MF.PEER2PEER ? 'p2p' : 'direct';
  return new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `${how} migration is not supported by the source host`, ErrorDomain.DOMAIN);
}
