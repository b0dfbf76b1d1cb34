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

/**
 * Calls a remote procedure by number with wire-shaped arguments; `api` is the public call being
 * served (`virDomainPinVcpu`), when the API said which, for overrides that pick the procedure.
 */
export interface RemoteCall {
  (proc: number, args?: unknown): Promise<unknown>;
  readonly api?: string;
}

/** An entry point written by hand: gets the call function and the API's arguments. */
export type Override = (call: RemoteCall, ...args: never[]) => Promise<unknown>;

const byMethod = new Map<string, Procedure>();
for (const p of remote_program.procedures.values()) {
  if (!p.event) byMethod.set(p.method.toLowerCase(), p);
}

/** The procedure of a public call (`virDomainAttachDevice` is REMOTE_PROC_DOMAIN_ATTACH_DEVICE), if it has one of its name. */
export function procedureOfCall(api: string): Procedure | undefined {
  return api.startsWith('vir') ? byMethod.get(api.slice(3).toLowerCase()) : undefined;
}

/**
 * The procedure an entry point maps to by name, if any, for a call with the arguments `a` (or
 * their count), serving the public call `api` when known. The API gives one entry point to
 * libvirt's older call and its `...Flags` (or `...WithFlags`) successor, and to calls that are
 * one with fixed flags (virDomainSetMaxMemory is domainSetMemoryFlags with MAXIMUM): the public
 * call's own procedure is sent, as libvirt's client does (the server's checks and errors then
 * name that call), when its arguments are the leading ones of the entry point's and its reply the
 * same. Without `api`, the `...Flags` procedure comes first (`domainUndefine(dom, flags)` is
 * REMOTE_PROC_DOMAIN_UNDEFINE_FLAGS), and the call without flags serves trailing arguments unset
 * (0 or undefined).
 */
export function procedureFor(method: string, a?: number | readonly unknown[], api?: string): Procedure | undefined {
  const named = api === undefined ? undefined : procedureOfCall(api);
  if (named) {
    const widest = procedureFor(method);
    if (widest && sameReply(named, widest) && isPrefix(fieldsOf(named.args), fieldsOf(widest.args))) return named;
  }
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

/** Whether the fields `a` are the first fields of `b` (same names, same order). */
function isPrefix(a: ReturnType<typeof fieldsOf>, b: ReturnType<typeof fieldsOf>): boolean {
  return a.length <= b.length && a.every(([n], i) => b[i]![0] === n);
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
    const p = procedureFor(method, a, call.api)!;
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
 * With `api`, the table serves that public call (procedureFor).
 */
export function entryPointTable<T extends object>(
  remoteCall: RemoteCall, overrides: Readonly<Record<string, Override>>, accept: (method: string) => boolean, api?: string,
): T {
  const call: RemoteCall = api === undefined ? remoteCall : Object.assign((proc: number, args?: unknown) => remoteCall(proc, args), { api });
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
