import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** Where a value was read from, for libvirt's error messages. */
export interface Place {
  /** The attribute name, or undefined for an element's text. */
  attr?: string;
  element: string;
}

/** Converts between an XML string and a typed value; `decode` raises libvirt's error for a bad value. */
export interface Codec<T> {
  decode(s: string, at: Place): T;
  encode(v: T): string;
}

function invalid(s: string, at: Place, expected = ''): VirError {
  const detail = at.attr !== undefined
    ? `Invalid value for attribute '${at.attr}' in element '${at.element}': '${s}'.${expected}`
    : `Invalid value '${s}' for element or attribute './${at.element}'`;
  // libvirt's XML property readers report from the XML error domain.
  return new VirError(ErrorCode.XML_ERROR, detail, ErrorDomain.XML);
}

export const str: Codec<string> = { decode: (s) => s, encode: (v) => v };

/** A non-negative integer, decimal or hexadecimal (`0x1f`), as libvirt's address attributes take. */
export const uint: Codec<number> = {
  decode(s, at) {
    const t = s.trim();
    // A value JavaScript cannot hold exactly is refused as libvirt refuses one past its integer's range.
    const v = /^\d+$/.test(t) ? Number(t) : /^0x[\da-f]+$/i.test(t) ? parseInt(t.slice(2), 16) : NaN;
    if (Number.isSafeInteger(v)) return v;
    throw invalid(s, at, ' Expected non-negative integer value');
  },
  encode: (v) => String(v),
};

/** A signed decimal integer. */
export const int: Codec<number> = {
  decode(s, at) {
    const v = /^[-+]?\d+$/.test(s.trim()) ? Number(s.trim()) : NaN;
    if (!Number.isSafeInteger(v)) throw invalid(s, at, ' Expected integer value');
    return v;
  },
  encode: (v) => String(v),
};

/** An integer that must not be negative, read as a signed one first (libvirt's controller index, ports). */
export const nonNegative: Codec<number> = {
  decode(s, at) {
    const v = int.decode(s, at);
    if (v < 0) throw invalid(s, at, ' Expected non-negative value');
    return v;
  },
  encode: (v) => String(v),
};

/** A non-negative integer other than zero (a boot order). */
export const positive: Codec<number> = {
  decode(s, at) {
    const v = uint.decode(s, at);
    if (v === 0) throw new VirError(ErrorCode.XML_ERROR, `Invalid value for attribute '${at.attr}' in element '${at.element}': Zero is not permitted`, ErrorDomain.XML);
    return v;
  },
  encode: (v) => String(v),
};

/** A non-negative integer written in hexadecimal with a fixed width (`0x0000`), as PCI addresses are. */
export function hex(width: number): Codec<number> {
  return { decode: uint.decode, encode: (v) => `0x${v.toString(16).padStart(width, '0')}` };
}

/** One of a fixed set of words; anything else is refused in libvirt's words. */
export function oneOf<const T extends string>(...values: T[]): Codec<T> {
  const known = new Set<string>(values);
  return {
    decode(s, at) {
      if (!known.has(s)) throw invalid(s, at);
      return s as T;
    },
    encode: (v) => v,
  };
}

/** One of a fixed set of words; anything else is an unsupported configuration, worded by `what`. */
export function supported<const T extends string>(what: (s: string) => string, ...values: T[]): Codec<T> {
  return supportedIn(ErrorDomain.DOMAIN, what, ...values);
}

/** `supported`, reporting from another error domain (the CPU driver's for `<cpu>`). */
export function supportedIn<const T extends string>(domain: ErrorDomain, what: (s: string) => string, ...values: T[]): Codec<T> {
  const known = new Set<string>(values);
  return {
    decode(s) {
      if (!known.has(s)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, what(s), domain);
      return s as T;
    },
    encode: (v) => v,
  };
}

/** libvirt's tristate booleans: `yes`/`no` (or `on`/`off`) as true/false. */
function boolean(on: string, off: string): Codec<boolean> {
  return {
    decode(s, at) {
      if (s === on) return true;
      if (s === off) return false;
      throw invalid(s, at);
    },
    encode: (v) => (v ? on : off),
  };
}

export const yesNo = boolean('yes', 'no');
export const onOff = boolean('on', 'off');

/** libvirt's error for a required attribute that is absent. */
export function missingAttr(attr: string, element: string): VirError {
  return new VirError(ErrorCode.XML_ERROR, `Missing required attribute '${attr}' in element '${element}'`, ErrorDomain.XML);
}

/** A non-negative decimal integer whose bad value libvirt refuses with its own words for that value. */
export function uintWorded(code: ErrorCode, detail: (s: string) => string): Codec<number> {
  return {
    decode(s) {
      if (!/^\d+$/.test(s.trim())) throw new VirError(code, detail(s), ErrorDomain.DOMAIN);
      return Number(s.trim());
    },
    encode: (v) => String(v),
  };
}

/** A non-negative integer whose bad value libvirt words as `could not parse WHAT VALUE` (per-device I/O tuning). */
export const parsedUint = (what: string): Codec<number> => uintWorded(ErrorCode.CONFIG_UNSUPPORTED, (s) => `could not parse ${what} ${s}`);

/** A non-negative count whose bad value libvirt words as `invalid WHAT count 'VALUE'`. */
export const count = (what: string): Codec<number> => uintWorded(ErrorCode.XML_ERROR, (s) => `invalid ${what} count '${s.trim()}'`);
