import { ErrorCode } from './errors/error-codes.js';
import { VirError } from './errors/vir-error.js';

/** C's unsigned long long and long long limits, the ranges of libvirt's 64-bit sizes. */
export const ULLONG_MAX = 2n ** 64n - 1n;
export const LLONG_MAX = 2n ** 63n - 1n;

const POWERS = 'kmgtpe';

/**
 * The multiplier a unit suffix stands for, as libvirt's virScaleInteger reads it: none means
 * `scale`; `b`, `byte`, `bytes` are 1; `K` or `KiB` ... `E` or `EiB` powers of 1024; `KB` ... `EB`
 * powers of 1000 (case never matters). Anything else is INVALID_ARG `unknown suffix 'X'`.
 */
export function unitScale(suffix: string | undefined, scale: bigint): bigint {
  if (!suffix) return scale;
  const s = suffix.toLowerCase();
  if (s === 'b' || s === 'byte' || s === 'bytes') return 1n;
  const power = POWERS.indexOf(s[0]!) + 1;
  const base = s.length === 1 || s.slice(1) === 'ib' ? 1024n : s.slice(1) === 'b' ? 1000n : 0n;
  if (power === 0 || base === 0n) throw new VirError(ErrorCode.INVALID_ARG, `unknown suffix '${suffix}'`);
  return base ** BigInt(power);
}

/**
 * `value` times its unit, exactly (virScaleInteger): past `limit` is libvirt's OVERFLOW
 * `value too large: 8E` (the value and the suffix as written).
 */
export function scaleInteger(value: bigint, suffix: string | undefined, scale: bigint, limit: bigint): bigint {
  const factor = unitScale(suffix, scale);
  if (value > limit / factor) throw new VirError(ErrorCode.OVERFLOW, `value too large: ${value}${suffix ?? ''}`);
  return value * factor;
}

/**
 * The leading unsigned decimal of `text` as C's strtoull reads it for libvirt's virStrToLong_ullp
 * (blanks, an optional `+`, digits; no sign `-`), and what follows it; undefined when there are no
 * digits or they pass 2^64-1.
 */
export function leadingUnsigned(text: string): { readonly value: bigint; readonly rest: string } | undefined {
  const m = /^[ \t\n\v\f\r]*\+?(\d+)/.exec(text);
  if (!m) return undefined;
  const value = BigInt(m[1]!);
  return value > ULLONG_MAX ? undefined : { value, rest: text.slice(m[0].length) };
}

/**
 * A scaled integer as virsh reads sizes (`8P`, `1e`, `10GiB`): the number exactly, in bytes when `scale` is 1. Undefined when the number itself is
 * malformed or past 2^64-1 (callers word that themselves, as virsh does); a bad suffix or a
 * product past `limit` throws libvirt's VirError.
 */
export function parseScaledInteger(text: string, scale = 1n, limit = ULLONG_MAX): bigint | undefined {
  const n = leadingUnsigned(text);
  return n && scaleInteger(n.value, n.rest, scale, limit);
}
