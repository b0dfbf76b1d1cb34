import { ErrorCode, VirError } from '@tsvirt/util';

/** libvirt's virTypedParameter: a named value of one of seven types, used by the tuning and statistics APIs. */

/** virTypedParameterType. */
export const TypedParameterType = { INT: 1, UINT: 2, LLONG: 3, ULLONG: 4, DOUBLE: 5, BOOLEAN: 6, STRING: 7 } as const;

/** virTypedParameterFlags: the caller accepts STRING parameters (the public API always sets it). */
export const TypedParameterFlags = { STRING_OKAY: 4 } as const;

/** VIR_TYPED_PARAM_FIELD_LENGTH: a field name is at most 79 characters. */
export const TYPED_PARAM_FIELD_LENGTH = 80;

type T = typeof TypedParameterType;

/** One typed parameter; 64-bit integers are bigints so that no bit is lost. */
export type TypedParameter =
  | { readonly field: string; readonly type: T['INT'] | T['UINT'] | T['DOUBLE']; readonly value: number }
  | { readonly field: string; readonly type: T['LLONG'] | T['ULLONG']; readonly value: bigint }
  | { readonly field: string; readonly type: T['BOOLEAN']; readonly value: boolean }
  | { readonly field: string; readonly type: T['STRING']; readonly value: string };

export const typedInt = (field: string, value: number): TypedParameter => ({ field, type: TypedParameterType.INT, value });
export const typedUInt = (field: string, value: number): TypedParameter => ({ field, type: TypedParameterType.UINT, value });
export const typedLLong = (field: string, value: bigint): TypedParameter => ({ field, type: TypedParameterType.LLONG, value });
export const typedULLong = (field: string, value: bigint): TypedParameter => ({ field, type: TypedParameterType.ULLONG, value });
export const typedDouble = (field: string, value: number): TypedParameter => ({ field, type: TypedParameterType.DOUBLE, value });
export const typedBoolean = (field: string, value: boolean): TypedParameter => ({ field, type: TypedParameterType.BOOLEAN, value });
export const typedString = (field: string, value: string): TypedParameter => ({ field, type: TypedParameterType.STRING, value });

/** The parameter called `field`, if present (virTypedParamsGet). */
export function findTypedParam(params: readonly TypedParameter[], field: string): TypedParameter | undefined {
  return params.find((p) => p.field === field);
}

const TYPE_NAMES = ['', 'int', 'uint', 'llong', 'ullong', 'double', 'boolean', 'string'] as const;
type TypeCode = T[keyof T];

/** strtol/strtoul's syntax in base 10, as virStrToLong_* take it: blanks, a sign, digits and nothing after. */
const INTEGER = /^\s*[+-]?\d+$/;

function integerIn(text: string, min: bigint, max: bigint, wrap: bigint): bigint | undefined {
  if (!INTEGER.test(text)) return undefined;
  let v = BigInt(text.trim());
  // virStrToLong_ui/ull take a negative number as strtoul does: wrapped around.
  if (v < 0n && min === 0n && -v <= wrap) v += wrap;
  return v >= min && v <= max ? v : undefined;
}

/** virTypedParameterAssignFromStr: the text of a value as a parameter of `type`, or libvirt's INVALID_ARG. */
export function typedParamFromString(field: string, type: TypeCode, text: string): TypedParameter {
  const bad = (what: string): VirError => new VirError(ErrorCode.INVALID_ARG, `Invalid value for field '${field}': expected ${what}`);
  const P = TypedParameterType;
  switch (type) {
    case P.INT: {
      const v = integerIn(text, -(2n ** 31n), 2n ** 31n - 1n, 0n);
      if (v === undefined) throw bad('int');
      return typedInt(field, Number(v));
    }
    case P.UINT: {
      const v = integerIn(text, 0n, 2n ** 32n - 1n, 2n ** 32n);
      if (v === undefined) throw bad('unsigned int');
      return typedUInt(field, Number(v));
    }
    case P.LLONG: {
      const v = integerIn(text, -(2n ** 63n), 2n ** 63n - 1n, 0n);
      if (v === undefined) throw bad('long long');
      return typedLLong(field, v);
    }
    case P.ULLONG: {
      const v = integerIn(text, 0n, 2n ** 64n - 1n, 2n ** 64n);
      if (v === undefined) throw bad('unsigned long long');
      return typedULLong(field, v);
    }
    case P.DOUBLE: {
      const v = /^\s*[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(text) ? Number(text) : NaN;
      if (!Number.isFinite(v)) throw bad('double');
      return typedDouble(field, v);
    }
    case P.BOOLEAN: {
      const v = { 1: true, yes: true, true: true, 0: false, no: false, false: false }[text.toLowerCase()];
      if (v === undefined) throw bad('boolean');
      return typedBoolean(field, v);
    }
    default:
      return typedString(field, text);
  }
}

/**
 * virTypedParamsValidate: what a driver checks of the parameters it is handed: each known
 * (`allowed` maps a field to its type), of that type, and given once.
 */
export function validateTypedParams(params: readonly TypedParameter[], allowed: Readonly<Record<string, TypeCode>>): void {
  const seen = new Set<string>();
  // libvirt checks them sorted by name, so the first name in that order is the one reported.
  for (const p of [...params].sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0))) {
    const type = allowed[p.field];
    if (type === undefined) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `parameter '${p.field}' not supported`);
    if (seen.has(p.field)) throw new VirError(ErrorCode.INVALID_ARG, `parameter '${p.field}' occurs multiple times`);
    if (p.type !== type) {
      throw new VirError(ErrorCode.INVALID_ARG, `invalid type '${TYPE_NAMES[p.type]}' for parameter '${p.field}', expected '${TYPE_NAMES[type]}'`);
    }
    seen.add(p.field);
  }
}
