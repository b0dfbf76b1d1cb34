import { TypedParameterType, type TypedParameter } from '@tsvirt/api';
import type { JSONValue } from './report.js';

/** vshGetTypedParamValue: a parameter's value as virsh prints it (%d, %u, %lld, %llu, %f, yes/no, the string). */
export function typedParamText(p: TypedParameter): string {
  switch (p.type) {
    case TypedParameterType.DOUBLE:
      return p.value.toFixed(6);
    case TypedParameterType.BOOLEAN:
      return p.value ? 'yes' : 'no';
    default:
      return String(p.value);
  }
}

/** A parameter's value for --json: 64-bit integers as numbers when exact, else as decimal strings. */
export function typedParamJSON(p: TypedParameter): JSONValue {
  if (typeof p.value !== 'bigint') return p.value;
  return p.value <= BigInt(Number.MAX_SAFE_INTEGER) && p.value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(p.value) : p.value.toString();
}

/** Parameters as one JSON object, field to value. */
export function typedParamsJSON(params: readonly TypedParameter[]): JSONValue {
  return Object.fromEntries(params.map((p) => [p.field, typedParamJSON(p)]));
}
