/**
 * Values between the public API's shapes and the wire's, walked by the wire type (the codec's
 * shape): UUID strings and their 16 bytes, `undefined` and XDR's absent optional, numbers and
 * 64-bit integers, typed parameters, snapshot and checkpoint handles (`domain` in the API, `dom`
 * on the wire).
 */
import type { TypedParameter } from '@tsvirt/api';
import {
  remote_nonnull_domain_checkpoint,
  remote_nonnull_domain_snapshot,
  remote_typed_param,
  type remote_typed_param_value,
} from '../generated/remote-protocol.js';
import type { Codec } from '../protocol/xdr.js';

/** `6695eb01-f6a4-...` from 16 bytes. */
export function uuidString(b: Uint8Array): string {
  const h = Buffer.from(b).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** 16 bytes from a UUID string (with or without dashes). */
export function uuidBytes(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(s.replace(/-/g, ''), 'hex'));
}

const ARM = ['', 'i', 'ui', 'l', 'ul', 'd', 'b', 's'] as const;

function paramToWire(p: TypedParameter): remote_typed_param {
  const arm = ARM[p.type];
  const value = p.type === 6 ? (p.value ? 1 : 0) : p.value;
  return { field: p.field, value: { type: p.type, [arm]: value } as remote_typed_param_value };
}

function paramFromWire(p: remote_typed_param): TypedParameter {
  const v = p.value as unknown as Record<string, unknown> & { type: number };
  const raw = v[ARM[v.type as 1]];
  return { field: p.field, type: v.type, value: v.type === 6 ? raw === 1 : raw } as TypedParameter;
}

const renamed = (c: Codec<unknown>): boolean =>
  c === (remote_nonnull_domain_snapshot as Codec<unknown>) || c === (remote_nonnull_domain_checkpoint as Codec<unknown>);

/** An API value as the wire type `c` wants it. */
export function toWire(c: Codec<unknown>, v: unknown): unknown {
  const s = c.shape;
  switch (s.kind) {
    case 'optional':
      return v === undefined || v === null ? null : toWire(s.of, v);
    case 'array':
      if (s.of === (remote_typed_param as Codec<unknown>)) return (v as TypedParameter[]).map(paramToWire);
      return (v as unknown[]).map((x) => toWire(s.of, x));
    case 'opaque':
      return s.size === 16 && typeof v === 'string' ? uuidBytes(v) : v;
    case 'int':
    case 'uint':
      return typeof v === 'boolean' ? (v ? 1 : 0) : v;
    case 'hyper':
    case 'uhyper':
      return typeof v === 'number' ? BigInt(v) : v;
    case 'string':
      // node device calls name the device by a string where the API holds a handle
      return typeof v === 'object' && v !== null && 'name' in v ? (v as { name: string }).name : v;
    case 'struct': {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, fc] of s.fields) out[name] = toWire(fc, name === 'dom' && renamed(c) ? o.domain : o[name]);
      return out;
    }
    default:
      return v;
  }
}

/** A wire value of type `c` as the API shapes it. */
export function fromWire(c: Codec<unknown>, v: unknown): unknown {
  const s = c.shape;
  switch (s.kind) {
    case 'optional':
      return v === null ? undefined : fromWire(s.of, v);
    case 'array':
      if (s.of === (remote_typed_param as Codec<unknown>)) return (v as remote_typed_param[]).map(paramFromWire);
      return (v as unknown[]).map((x) => fromWire(s.of, x));
    case 'opaque':
      return s.size === 16 ? uuidString(v as Uint8Array) : v;
    case 'struct': {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const [name, fc] of s.fields) out[name === 'dom' && renamed(c) ? 'domain' : name] = fromWire(fc, o[name]);
      return out;
    }
    default:
      return v;
  }
}
