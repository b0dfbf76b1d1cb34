import { ErrorCode, ErrorDomain, LLONG_MAX, ULLONG_MAX, VirError, scaleInteger, unitScale } from '@tsvirt/util';

/** Whether decimal digits fit libvirt's unsigned long long. */
export function fitsULL(digits: string): boolean {
  return BigInt(digits) <= ULLONG_MAX;
}

/**
 * A size with libvirt's unit suffixes in bytes, exactly (virScaleInteger): `dflt` is the unit when
 * none is given, `limit` the largest result (2^64-1 unless the field is narrower, as a volume's
 * capacity is: 2^63-1). Past it is OVERFLOW `value too large: 8E`; an unknown unit INVALID_ARG.
 */
export function toBytes(value: number | bigint | string, unit: string | undefined, dflt = 'bytes', limit = ULLONG_MAX): bigint {
  return scaleInteger(BigInt(value), unit, unitScale(dflt, 1n), limit);
}

/** The largest memory size in KiB libvirt keeps, one below (2^63-1 bytes rounded up to KiB). */
const MEMORY_KIB_BOUND = 2n ** 53n;

/**
 * A memory size with libvirt's unit suffixes in KiB, rounded up as libvirt does
 * (virDomainParseMemory): at most 2^63-1 bytes, and the KiB below 2^53, so a number holds every
 * such value exactly. Past that is OVERFLOW as libvirt words it.
 */
export function toKiB(value: number | bigint | string, unit: string | undefined): number {
  const bytes = scaleInteger(BigInt(value), unit, 1024n, LLONG_MAX);
  const kib = ceilKiB(bytes);
  if (kib >= MEMORY_KIB_BOUND) throw new VirError(ErrorCode.OVERFLOW, 'size value too large', ErrorDomain.DOMAIN);
  return Number(kib);
}

/** Bytes in KiB, rounded up (libvirt's VIR_DIV_UP(bytes, 1024)). */
export function ceilKiB(bytes: bigint): bigint {
  return (bytes + 1023n) / 1024n;
}
