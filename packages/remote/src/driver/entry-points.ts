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
 * The procedure an entry point maps to by name, if any, for a call with the arguments `a` (or
 * their count). The API's entry points take flags where libvirt's older calls did not, so the
 * `...Flags` (or `...WithFlags`) procedure comes first (`domainUndefine(dom, flags)` is
 * REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS); but called with its trailing arguments unset (0 or
 * undefined), the entry point is the call without flags, as libvirt's client sends it (the
 * server's errors then name that call).
 */
export function procedureFor(method: string, a?: number | readonly unknown[]): Procedure | undefined {
  const m = method.toLowerCase();
  const plain = byMethod.get(m);
  const candidates = [byMethod.get(`${m}flags`), byMethod.get(`${m}withflags`), plain].filter((p) => p !== undefined);
  if (a === undefined) return candidates[0];
  const arity = typeof a === 'number' ? a : a.length;
  if (typeof a !== 'number' && plain && candidates[0] !== plain && sameReply(plain, candidates[0]!)) {
    let set = a.length;
    while (set > 0 && (a[set - 1] === 0 || a[set - 1] === undefined)) set--;
    if (set < a.length && apiArity(plain) === set) return plain;
  }
  return candidates.find((p) => apiArity(p) === arity) ?? candidates[0];
}

/** Whether two procedures answer the same shape (the flags form may answer more). */
function sameReply(a: Procedure, b: Procedure): boolean {
  const names = (p: Procedure) => fieldsOf(p.ret).map(([n]) => n).join();
  return names(a) === names(b);
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

/** An entry point derived from the procedures of its name (which one: by the arguments given). */
export function ruleEntryPoint(call: RemoteCall, method: string): (...a: unknown[]) => Promise<unknown> {
  return async (...a: unknown[]) => {
    const p = procedureFor(method, a)!;
    let args: Record<string, unknown> | undefined;
    if (p.args) {
      args = {};
      let i = 0;
      for (const [name, c] of fieldsOf(p.args)) args[name] = name in IMPLIED ? IMPLIED[name] : toWire(c, a[i++]);
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
        if (procedureFor(method)) fn = ruleEntryPoint(call, method);
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
