/**
 * The API's driver entry points as remote procedures. Most are derived from the generated
 * procedure table: an entry point `domainLookupByName(name)` is the procedure whose method name
 * matches it (case aside: `domainLookupByUUID` is REMOTE_PROC_DOMAIN_LOOKUP_BY_UUID), its
 * arguments fill the procedure's argument struct in order, and a reply of one field (or of a list
 * and its count) answers that field. Where the API's shape differs from the wire's, an override in
 * `overrides.ts` says how.
 */
import { remote_program } from '../protocol/programs.js';
import type { Procedure } from '../protocol/program.js';
import type { Codec } from '../protocol/xdr.js';
import { fromWire, toWire } from './convert.js';

/** Calls a remote procedure by number with wire-shaped arguments. */
export type RemoteCall = (proc: number, args?: unknown) => Promise<unknown>;

/** An entry point written by hand: gets the call function and the API's arguments. */
export type Override = (call: RemoteCall, ...args: never[]) => Promise<unknown>;

const byMethod = new Map<string, Procedure>();
for (const p of remote_program.procedures.values()) {
  if (!p.event) byMethod.set(p.method.toLowerCase(), p);
}

/**
 * The procedure an entry point maps to by name, if any: its `...Flags` (or `...WithFlags`) form
 * first, since the API's entry points all take flags (`domainUndefine(dom, flags)` is
 * REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS).
 */
export function procedureFor(method: string): Procedure | undefined {
  const m = method.toLowerCase();
  return byMethod.get(`${m}flags`) ?? byMethod.get(`${m}withflags`) ?? byMethod.get(m);
}

/** Wire fields the client fills itself rather than the caller. */
const IMPLIED: Readonly<Record<string, number>> = { need_results: 1 };

/** Entry points that answer a yes/no question: the wire's int becomes a boolean. */
const BOOLEAN = /(?:Is[A-Z]\w*|Has[A-Z]\w*|GetAutostart)$/;
/** Entry points that answer names where the wire has handles (snapshots, checkpoints). */
const NAMES = /ListAll(?:Snapshots|Checkpoints|Children)$/;

function fieldsOf(c: Codec<unknown> | null): readonly (readonly [string, Codec<unknown>])[] {
  if (!c) return [];
  if (c.shape.kind !== 'struct') throw new Error('argument codec is not a struct');
  return c.shape.fields;
}

/** The API arguments an entry point mapped by rule takes (for the mapping test). */
export function apiArity(p: Procedure): number {
  return fieldsOf(p.args).filter(([n]) => !(n in IMPLIED)).length;
}

/** The reply as the API answers it. */
function answer(p: Procedure, method: string, ret: unknown): unknown {
  const fields = fieldsOf(p.ret);
  let v: unknown;
  if (fields.length === 0) v = undefined;
  else if (fields.length === 1) v = fromWire(fields[0]![1], (ret as Record<string, unknown>)[fields[0]![0]]);
  else if (fields.length === 2 && fields[1]![0] === 'ret' && fields[0]![1].shape.kind === 'array') {
    v = fromWire(fields[0]![1], (ret as Record<string, unknown>)[fields[0]![0]]);
  } else v = fromWire(p.ret!, ret);
  if (NAMES.test(method)) return (v as { name: string }[]).map((h) => h.name);
  return BOOLEAN.test(method) && typeof v === 'number' ? v !== 0 : v;
}

/** An entry point derived from its procedure. */
export function ruleEntryPoint(call: RemoteCall, p: Procedure, method: string): (...a: unknown[]) => Promise<unknown> {
  const fields = fieldsOf(p.args);
  return async (...a: unknown[]) => {
    let args: Record<string, unknown> | undefined;
    if (p.args) {
      args = {};
      let i = 0;
      for (const [name, c] of fields) args[name] = name in IMPLIED ? IMPLIED[name] : toWire(c, a[i++]);
    }
    return answer(p, method, await call(p.number, args));
  };
}

/**
 * A driver table whose members are the overrides, then every procedure by rule. Members not in
 * `only` (when given) are absent, so that the API reports NO_SUPPORT for another kind's calls.
 */
export function entryPointTable<T extends object>(call: RemoteCall, overrides: Readonly<Record<string, Override>>, accept: (method: string) => boolean): T {
  const cache = new Map<string, unknown>();
  const lookup = (method: string): unknown => {
    if (cache.has(method)) return cache.get(method);
    let fn: unknown;
    if (accept(method)) {
      const o = overrides[method];
      if (o) fn = (...a: never[]) => o(call, ...a);
      else {
        const p = procedureFor(method);
        if (p) fn = ruleEntryPoint(call, p, method);
      }
    }
    cache.set(method, fn);
    return fn;
  };
  return new Proxy({} as T, {
    get: (_, key) => (typeof key === 'string' && key !== 'then' ? lookup(key) : undefined),
    has: (_, key) => typeof key === 'string' && lookup(key) !== undefined,
  });
}
