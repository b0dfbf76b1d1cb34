import { TypedParameterType as T, type TypedParameter } from '@tsvirt/api';
import type { remote } from '@tsvirt/remote/protocol';

/** A typed parameter as the wire carries it (the value under its type's arm). */
export function wireParam(p: TypedParameter): remote.remote_typed_param {
  switch (p.type) {
    case T.INT: return { field: p.field, value: { type: 1, i: p.value } };
    case T.UINT: return { field: p.field, value: { type: 2, ui: p.value } };
    case T.LLONG: return { field: p.field, value: { type: 3, l: p.value } };
    case T.ULLONG: return { field: p.field, value: { type: 4, ul: p.value } };
    case T.DOUBLE: return { field: p.field, value: { type: 5, d: p.value } };
    case T.BOOLEAN: return { field: p.field, value: { type: 6, b: p.value ? 1 : 0 } };
    case T.STRING: return { field: p.field, value: { type: 7, s: p.value } };
  }
}

/** A wire typed parameter as the API's. */
export function apiParam(p: remote.remote_typed_param): TypedParameter {
  const v = p.value;
  switch (v.type) {
    case 1: return { field: p.field, type: T.INT, value: v.i };
    case 2: return { field: p.field, type: T.UINT, value: v.ui };
    case 3: return { field: p.field, type: T.LLONG, value: v.l };
    case 4: return { field: p.field, type: T.ULLONG, value: v.ul };
    case 5: return { field: p.field, type: T.DOUBLE, value: v.d };
    case 6: return { field: p.field, type: T.BOOLEAN, value: v.b !== 0 };
    case 7: return { field: p.field, type: T.STRING, value: v.s };
  }
}

export const wireParams = (ps: readonly TypedParameter[]): remote.remote_typed_param[] => ps.map(wireParam);
export const apiParams = (ps: readonly remote.remote_typed_param[]): TypedParameter[] => ps.map(apiParam);

/**
 * The reply of libvirt's "get parameters" calls: with `nparams` 0 the client asks only how many
 * there are; otherwise it gets them (at most `nparams`).
 */
export function paramsReply(ps: readonly TypedParameter[], nparams: number): { params: remote.remote_typed_param[]; nparams: number } {
  return nparams === 0 ? { params: [], nparams: ps.length } : { params: wireParams(ps.slice(0, nparams)), nparams: ps.length };
}

/** A CPU bitmap (bit i of byte i/8 for host CPU i) from booleans, `maplen` bytes long. */
export function cpumapBytes(map: readonly boolean[], maplen: number): Uint8Array {
  const out = new Uint8Array(maplen);
  map.forEach((on, i) => {
    if (on && i < maplen * 8) out[i >> 3]! |= 1 << (i & 7);
  });
  return out;
}

/** Booleans for each bit of a CPU bitmap. */
export function cpumapBools(bytes: Uint8Array): boolean[] {
  return Array.from({ length: bytes.length * 8 }, (_, i) => (bytes[i >> 3]! & (1 << (i & 7))) !== 0);
}
