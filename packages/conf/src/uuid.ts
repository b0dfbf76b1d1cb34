const HEX = /^[0-9a-fA-F]$/;
/** C's isspace in the C locale, which libvirt's g_ascii_isspace is. */
const BLANK = /^[ \t\n\v\f\r]$/;
/** A UUID already in canonical form, which is what nearly every caller passes: returned as it is. */
const CANONICAL = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A UUID in canonical form, read as libvirt's virUUIDParse reads it: blanks around it, '-' and ' '
 * anywhere between pairs of hex digits (never inside one), exactly 32 digits in any case.
 */
export function parseUUID(raw: string): string | undefined {
  if (CANONICAL.test(raw)) return raw;
  let i = 0;
  while (BLANK.test(raw[i] ?? '')) i++;
  let hex = '';
  while (hex.length < 32) {
    const c = raw[i];
    if (c === '-' || c === ' ') {
      i++;
      continue;
    }
    if (!HEX.test(c ?? '') || !HEX.test(raw[i + 1] ?? '')) return undefined;
    hex += raw.slice(i, i + 2).toLowerCase();
    i += 2;
  }
  if (!/^[ \t\n\v\f\r]*$/.test(raw.slice(i))) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random UUID; Web Crypto's global loads Node's crypto module only on this first use. */
export function generateUUID(): string {
  return globalThis.crypto.randomUUID();
}
