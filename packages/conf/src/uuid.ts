/** Parses a UUID in the forms libvirt accepts (hex digits, optionally with dashes) into canonical lower case. */
export function parseUUID(raw: string): string | undefined {
  const hex = raw.trim().replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{32}$/.test(hex)) return undefined;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A random UUID; Web Crypto's global loads Node's crypto module only on this first use. */
export function generateUUID(): string {
  return globalThis.crypto.randomUUID();
}
