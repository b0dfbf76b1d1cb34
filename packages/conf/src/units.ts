import { own } from './own.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const SCALE: Record<string, number> = {
  b: 1, bytes: 1,
  kb: 1e3, k: 1024, kib: 1024,
  mb: 1e6, m: 1024 ** 2, mib: 1024 ** 2,
  gb: 1e9, g: 1024 ** 3, gib: 1024 ** 3,
  tb: 1e12, t: 1024 ** 4, tib: 1024 ** 4,
  pb: 1e15, p: 1024 ** 5, pib: 1024 ** 5,
  eb: 1e18, e: 1024 ** 6, eib: 1024 ** 6,
};

/** The largest unsigned long long: a size written with more is not a number libvirt reads at all. */
const ULLONG_MAX = 18446744073709551615n;

/** Whether decimal digits fit libvirt's unsigned long long. */
export function fitsULL(digits: string): boolean {
  return BigInt(digits) <= ULLONG_MAX;
}

/**
 * Converts a size with libvirt's unit suffixes to bytes; `dflt` is the unit when none is given and
 * `written` the value as the document wrote it (for the overflow message, which must not round).
 */
export function toBytes(value: number, unit: string | undefined, dflt = 'bytes', written = String(value)): number {
  const scale = own(SCALE, (unit ?? dflt).toLowerCase());
  if (scale === undefined) {
    throw new VirError(ErrorCode.INVALID_ARG, `unknown suffix '${unit}'`, ErrorDomain.NONE);
  }
  const bytes = value * scale;
  if (!Number.isSafeInteger(bytes)) throw new VirError(ErrorCode.OVERFLOW, `value too large: ${written}${unit ?? ''}`, ErrorDomain.NONE);
  return bytes;
}

/** Converts a memory size with libvirt's unit suffixes to KiB, rounding up as libvirt does. */
export function toKiB(value: number, unit: string | undefined, written = String(value)): number {
  return Math.ceil(toBytes(value, unit, 'KiB', written) / 1024);
}
