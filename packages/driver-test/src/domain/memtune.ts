import { attr, childElements, element, firstChild, textOf, toKiB, type DomainDef, type XmlElement } from '@tsvirt/conf';
import {
  DOMAIN_MEMORY_PARAM_UNLIMITED, DomainModificationImpact as Impact, TypedParameterFlags, TypedParameterType as P, checkExclusiveFlags, typedULLong, validateTypedParams,
  type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;


const LIMITS = ['hard_limit', 'soft_limit', 'swap_hard_limit'] as const;
type Limit = (typeof LIMITS)[number] | 'min_guarantee';
const ELEMENT_ORDER: readonly Limit[] = ['hard_limit', 'soft_limit', 'swap_hard_limit', 'min_guarantee'];

function readLimits(def: DomainDef): Map<Limit, bigint> {
  const el = def.other.find((e) => e.name === 'memtune');
  const out = new Map<Limit, bigint>();
  for (const name of ELEMENT_ORDER) {
    const child = el && firstChild(el, name);
    if (child) out.set(name, BigInt(toKiB(Number(textOf(child).trim()), attr(child, 'unit'))));
  }
  return out;
}

function writeLimits(def: DomainDef, limits: ReadonlyMap<Limit, bigint>): void {
  const children: XmlElement[] = ELEMENT_ORDER.filter((n) => limits.has(n))
    .map((n) => element(n, [['unit', 'KiB']], [{ kind: 'text', text: String(limits.get(n)) }]));
  const at = def.other.findIndex((e) => e.name === 'memtune');
  const old = at < 0 ? undefined : def.other[at]!;
  // Elements the mock does not tune (hugepage limits and the like) stay.
  const kept = old ? childElements(old).filter((c) => !ELEMENT_ORDER.includes(c.name as Limit)) : [];
  const el = children.length || kept.length ? [element('memtune', [], [...children, ...kept])] : [];
  if (at < 0) def.other.push(...el);
  else def.other.splice(at, 1, ...el);
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
  const limits = readLimits(impactDef(obj, flags & ~TypedParameterFlags.STRING_OKAY));
  return LIMITS.map((n) => typedULLong(n, limits.get(n) ?? DOMAIN_MEMORY_PARAM_UNLIMITED));
}

/** testDomainSetMemoryParameters: the limits of the definitions the impact names; the hard limit may not pass the swap limit. */
export function setMemoryParameters(obj: DomainObject, params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetMemoryParameters', D);
  validateTypedParams(params, Object.fromEntries(LIMITS.map((n) => [n, P.ULLONG])));
  const { live, config } = impactDefs(obj, flags);
  for (const def of [live, config]) {
    if (!def) continue;
    const limits = readLimits(def);
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
    writeLimits(def, limits);
  }
}
