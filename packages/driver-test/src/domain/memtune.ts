import { otherPart, setDomainPart, type DomainDef, type DomainPart } from '@tsvirt/conf';
import {
  DOMAIN_MEMORY_PARAM_UNLIMITED, DomainModificationImpact as Impact, TypedParameterFlags, TypedParameterType as P, checkExclusiveFlags, typedULLong, validateTypedParams,
  type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;


const LIMITS = ['hard_limit', 'soft_limit', 'swap_hard_limit'] as const;
type Limit = (typeof LIMITS)[number];
/** Each tunable limit's field in conf's `<memtune>` model. */
const FIELD = { hard_limit: 'hardLimit', soft_limit: 'softLimit', swap_hard_limit: 'swapHardLimit' } as const;

type Memtune = DomainPart<'memtune'>;

/** The limits set in a definition, in KiB. */
function readLimits(memtune: Memtune | undefined): Map<Limit, bigint> {
  const out = new Map<Limit, bigint>();
  for (const name of LIMITS) {
    const kib = memtune?.[FIELD[name]];
    if (kib !== undefined) out.set(name, BigInt(kib));
  }
  return out;
}

/** Writes the limits back; what the mock does not tune (min_guarantee and the like) stays. */
function writeLimits(def: DomainDef, memtune: Memtune | undefined, limits: ReadonlyMap<Limit, bigint>): void {
  const next: Memtune = { ...memtune };
  for (const name of LIMITS) {
    const kib = limits.get(name);
    next[FIELD[name]] = kib === undefined ? undefined : Number(kib);
  }
  setDomainPart(def, 'memtune', next);
}

const GET_FLAGS = Impact.LIVE | Impact.CONFIG | TypedParameterFlags.STRING_OKAY;

/** testDomainGetMemoryParameters asked for the count: it checks the flags, not the domain's state. */
export function memoryParameterCount(flags: number): number {
  checkFlags(flags, GET_FLAGS, 'testDomainGetMemoryParameters', D);
  checkExclusiveFlags(flags, Impact.LIVE, 'VIR_DOMAIN_AFFECT_LIVE', Impact.CONFIG, 'VIR_DOMAIN_AFFECT_CONFIG');
  return LIMITS.length;
}

/** testDomainGetMemoryParameters: the three limits in KiB, DOMAIN_MEMORY_PARAM_UNLIMITED where none is set. */
export function getMemoryParameters(obj: DomainObject, flags: number): TypedParameter[] {
  checkFlags(flags, GET_FLAGS, 'testDomainGetMemoryParameters', D);
  const limits = readLimits(otherPart(impactDef(obj, flags & ~TypedParameterFlags.STRING_OKAY), 'memtune'));
  return LIMITS.map((n) => typedULLong(n, limits.get(n) ?? DOMAIN_MEMORY_PARAM_UNLIMITED));
}

/** testDomainSetMemoryParameters: the limits of the definitions the impact names; the hard limit may not pass the swap limit. */
export function setMemoryParameters(obj: DomainObject, params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetMemoryParameters', D);
  validateTypedParams(params, Object.fromEntries(LIMITS.map((n) => [n, P.ULLONG])));
  const { live, config } = impactDefs(obj, flags);
  for (const def of [live, config]) {
    if (!def) continue;
    const memtune = otherPart(def, 'memtune');
    const limits = readLimits(memtune);
    for (const p of params) {
      const v = p.value as bigint;
      if (v === DOMAIN_MEMORY_PARAM_UNLIMITED) limits.delete(p.field as Limit);
      else limits.set(p.field as Limit, v);
    }
    const hard = limits.get('hard_limit');
    const swap = limits.get('swap_hard_limit');
    if (hard !== undefined && swap !== undefined && hard > swap) {
      throw new VirError(ErrorCode.INVALID_ARG, 'memory hard_limit tunable value must be lower than or equal to swap_hard_limit', D);
    }
    writeLimits(def, memtune, limits);
  }
}
