import { PERF_EVENTS, otherPart, setDomainPart, type DomainDef } from '@tsvirt/conf';
import {
  DomainModificationImpact as Impact, TypedParameterFlags, TypedParameterType as P, typedBoolean, validateTypedParams, type TypedParameter,
} from '@tsvirt/api';
import { ErrorDomain, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;

/** The events a definition's `<perf>` enables or disables by name (absent ones are neither). */
function perfOf(def: DomainDef): Map<string, boolean> {
  return new Map((otherPart(def, 'perf')?.events ?? []).map((e) => [e.name ?? '', e.enabled === true]));
}

/** testDomainGetPerfEvents: every perf event libvirt knows, enabled only where the definition says yes. */
export function getPerfEvents(obj: DomainObject, flags: number): TypedParameter[] {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG | TypedParameterFlags.STRING_OKAY, 'testDomainGetPerfEvents', D);
  const events = perfOf(impactDef(obj, flags & ~TypedParameterFlags.STRING_OKAY));
  return PERF_EVENTS.map((name) => typedBoolean(name, events.get(name) === true));
}

/** testDomainSetPerfEvents: each named event enabled or disabled in the definitions the impact names, written in libvirt's order. */
export function setPerfEvents(obj: DomainObject, params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetPerfEvents', D);
  validateTypedParams(params, Object.fromEntries(PERF_EVENTS.map((name) => [name, P.BOOLEAN])));
  const { live, config } = impactDefs(obj, flags);
  for (const def of [live, config]) {
    if (!def) continue;
    const events = perfOf(def);
    for (const p of params) events.set(p.field, p.value === true);
    const ordered = PERF_EVENTS.filter((name) => events.has(name)).map((name) => ({ name, enabled: events.get(name)! }));
    setDomainPart(def, 'perf', { ...otherPart(def, 'perf'), events: ordered });
  }
}
