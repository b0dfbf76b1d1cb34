import type { DomainDef } from '@tsvirt/conf';
import { DomainModificationImpact as Impact, checkExclusiveFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { isActive, type DomainObject } from '../domain-object.js';

/** The definitions a call touches: the live one, the persistent one, or both. */
export interface ImpactDefs {
  readonly live: DomainDef | undefined;
  readonly config: DomainDef | undefined;
  /** The flags with CURRENT resolved to LIVE or CONFIG. */
  readonly flags: number;
}

/**
 * libvirt's virDomainObjGetDefs: resolves CURRENT to LIVE for a running domain and CONFIG for a
 * shut-off one, and refuses LIVE on a shut-off domain and CONFIG on a transient one (these errors
 * come from libvirt's domain conf code, hence ErrorDomain.DOMAIN). A running persistent domain gets
 * its own persistent copy first, so that a change to one definition leaves the other alone.
 */
export function impactDefs(obj: DomainObject, flags: number): ImpactDefs {
  const active = isActive(obj);
  if ((flags & (Impact.LIVE | Impact.CONFIG)) === 0) flags |= active ? Impact.LIVE : Impact.CONFIG;
  if (flags & Impact.LIVE && !active) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'domain is not running', ErrorDomain.DOMAIN);
  }
  if (flags & Impact.CONFIG && !obj.persistent) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'transient domains do not have any persistent config', ErrorDomain.DOMAIN);
  }
  if (active && obj.persistent && !obj.newDef) obj.newDef = structuredClone(obj.def);
  return {
    live: flags & Impact.LIVE ? obj.def : undefined,
    config: flags & Impact.CONFIG ? (obj.newDef ?? obj.def) : undefined,
    flags,
  };
}

/** libvirt's virDomainObjGetOneDef: exactly one of the definitions, LIVE and CONFIG together refused. */
export function impactDef(obj: DomainObject, flags: number): DomainDef {
  checkExclusiveFlags(flags, Impact.LIVE, 'VIR_DOMAIN_AFFECT_LIVE', Impact.CONFIG, 'VIR_DOMAIN_AFFECT_CONFIG');
  const { live, config } = impactDefs(obj, flags);
  return (live ?? config)!;
}
