/**
 * XDR (RFC 4506) as rpcgen encodes it, as combinators: a `Codec<T>` writes a value to an
 * `XdrWriter` and reads one from an `XdrReader`. The generated protocol modules build one codec
 * per `.x` type from these. Every variable-length item is checked against its declared maximum
 * both ways, so a hostile peer cannot make the reader allocate without bound.
 */

/** Raised for malformed XDR; the RPC layer turns it into libvirt's RPC error. */
export class XdrError extends Error {
  override name = 'XdrError';
}

/** Reads big-endian XDR items from one buffer. */
export class XdrReader {
  /** Offset of the next unread byte. */
  pos: number;
  private readonly view: DataView;
  /** @param buf the bytes; @param pos start offset; @param end end offset (exclusive) */
  constructor(
    readonly buf: Uint8Array,
    pos = 0,
    readonly end = buf.length,
  ) {
    this.pos = pos;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  /** Bytes left before `end`. */
  get remaining(): number {
    return this.end - this.pos;
  }
  private need(n: number): number {
    const at = this.pos;
    if (n > this.end - at) throw new XdrError(`XDR data truncated: ${n} bytes wanted, ${this.end - at} left`);
    this.pos = at + n;
    return at;
  }
  int(): number {
    return this.view.getInt32(this.need(4));
  }
  uint(): number {
    return this.view.getUint32(this.need(4));
  }
  hyper(): bigint {
    return this.view.getBigInt64(this.need(8));
  }
  uhyper(): bigint {
    return this.view.getBigUint64(this.need(8));
  }
  float(): number {
    return this.view.getFloat32(this.need(4));
  }
  double(): number {
    return this.view.getFloat64(this.need(8));
  }
  /** `n` bytes and their padding to a multiple of four, as a view (no copy). */
  bytes(n: number): Uint8Array {
    const at = this.need((n + 3) & ~3);
    return this.buf.subarray(at, at + n);
  }
  /** A length word, refused when over `max`. */
  length(max: number, what: string): number {
    const n = this.uint();
    if (n > max) throw new XdrError(`XDR ${what} length ${n} over its limit ${max}`);
    return n;
  }
}

const utf8 = new TextDecoder('utf-8');
const utf8enc = new TextEncoder();

/** Writes big-endian XDR items into a growing buffer. */
export class XdrWriter {
  /** Bytes written so far. */
  pos = 0;
  private buf: Uint8Array;
  private view: DataView;
  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
    this.view = new DataView(this.buf.buffer);
  }
  /** Reserves `n` bytes (growing the buffer) and returns their offset; call before reading `view`. */
  private room(n: number): number {
    const at = this.pos;
    if (at + n > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < at + n) size *= 2;
      const grown = new Uint8Array(size);
      grown.set(this.buf.subarray(0, at));
      this.buf = grown;
      this.view = new DataView(grown.buffer);
    }
    this.pos = at + n;
    return at;
  }
  int(v: number): void {
    const at = this.room(4);
    this.view.setInt32(at, v);
  }
  uint(v: number): void {
    const at = this.room(4);
    this.view.setUint32(at, v);
  }
  hyper(v: bigint): void {
    const at = this.room(8);
    this.view.setBigInt64(at, v);
  }
  uhyper(v: bigint): void {
    const at = this.room(8);
    this.view.setBigUint64(at, v);
  }
  float(v: number): void {
    const at = this.room(4);
    this.view.setFloat32(at, v);
  }
  double(v: number): void {
    const at = this.room(8);
    this.view.setFloat64(at, v);
  }
  /** The bytes, zero-padded to a multiple of four. */
  bytes(b: Uint8Array): void {
    const at = this.room((b.length + 3) & ~3);
    this.buf.set(b, at);
    this.buf.fill(0, at + b.length, this.pos);
  }
  /**
   * `string name<max>` straight into the buffer (no intermediate byte array): room for the
   * longest encoding, the length word patched once the UTF-8 length is known.
   */
  string(v: string, max: number): void {
    // a long string is measured first: room for three bytes a character could be a huge buffer
    const at = this.room(4 + (v.length > 4096 ? Buffer.byteLength(v, 'utf8') : v.length * 3) + 3);
    const { written } = utf8enc.encodeInto(v, this.buf.subarray(at + 4));
    if (written > max) {
      this.pos = at;
      throw new XdrError(`XDR string length ${written} over its limit ${max}`);
    }
    this.view.setUint32(at, written);
    this.pos = at + 4 + ((written + 3) & ~3);
    this.buf.fill(0, at + 4 + written, this.pos);
  }
  /** Bytes the buffer holds before it must grow. */
  get capacity(): number {
    return this.buf.length;
  }
  /** Starts again at the beginning, keeping the buffer. */
  reset(): void {
    this.pos = 0;
  }
  /** Overwrites a 32-bit word already written (the length word of a frame). */
  patchUint(at: number, v: number): void {
    this.view.setUint32(at, v);
  }
  /** The bytes written, as a view of the internal buffer. */
  result(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** What a codec encodes, for code that walks values by their wire type (the driver's conversions). */
export type Shape =
  | { readonly kind: 'int' | 'uint' | 'hyper' | 'uhyper' | 'float' | 'double' | 'bool' | 'void' | 'string' | 'union' }
  | { readonly kind: 'opaque'; readonly size: number | null }
  | { readonly kind: 'array' | 'optional'; readonly of: Codec<unknown> }
  | { readonly kind: 'struct'; readonly fields: readonly (readonly [string, Codec<unknown>])[] };

/** Encoder and decoder of one XDR type. */
export interface Codec<T> {
  /** Appends `v`. */
  enc(w: XdrWriter, v: T): void;
  /** Reads one value. */
  dec(r: XdrReader): T;
  /** What it encodes. */
  readonly shape: Shape;
}

function checkInt(v: number, lo: number, hi: number, what: string): void {
  if (!Number.isInteger(v) || v < lo || v > hi) throw new XdrError(`XDR ${what} out of range: ${v}`);
}

export const int: Codec<number> = {
  shape: { kind: 'int' },
  enc: (w, v) => {
    checkInt(v, -0x80000000, 0x7fffffff, 'int');
    w.int(v);
  },
  dec: (r) => r.int(),
};
export const uint: Codec<number> = {
  shape: { kind: 'uint' },
  enc: (w, v) => {
    checkInt(v, 0, 0xffffffff, 'unsigned int');
    w.uint(v);
  },
  dec: (r) => r.uint(),
};
// 64-bit values are bigints; a number is taken too (sizes that callers hold as numbers)
export const hyper: Codec<bigint> = { shape: { kind: 'hyper' }, enc: (w, v) => w.hyper(BigInt.asIntN(64, BigInt(v))), dec: (r) => r.hyper() };
export const uhyper: Codec<bigint> = { shape: { kind: 'uhyper' }, enc: (w, v) => w.uhyper(BigInt.asUintN(64, BigInt(v))), dec: (r) => r.uhyper() };
export const float: Codec<number> = { shape: { kind: 'float' }, enc: (w, v) => w.float(v), dec: (r) => r.float() };
export const double: Codec<number> = { shape: { kind: 'double' }, enc: (w, v) => w.double(v), dec: (r) => r.double() };
export const bool: Codec<boolean> = {
  shape: { kind: 'bool' },
  enc: (w, v) => w.int(v ? 1 : 0),
  dec: (r) => {
    const v = r.int();
    if (v !== 0 && v !== 1) throw new XdrError(`XDR bool is ${v}`);
    return v === 1;
  },
};
/** `void`: nothing on the wire. */
export const voidCodec: Codec<void> = { shape: { kind: 'void' }, enc: () => undefined, dec: () => undefined };

/** `string name<max>`: a length, UTF-8 bytes, padding. */
export function string(max = 0xffffffff): Codec<string> {
  return {
    shape: { kind: 'string' },
    // a caller's missing string goes out empty, as TextEncoder.encode(undefined) wrote it before
    enc: (w, v: string | undefined) => w.string(v ?? '', max),
    dec: (r) => utf8.decode(r.bytes(r.length(max, 'string'))),
  };
}

/** `opaque name[size]`. */
export function opaqueFixed(size: number): Codec<Uint8Array> {
  return {
    shape: { kind: 'opaque', size },
    enc(w, v) {
      if (v.length !== size) throw new XdrError(`XDR opaque[${size}] given ${v.length} bytes`);
      w.bytes(v);
    },
    dec: (r) => r.bytes(size).slice(),
  };
}

/** `opaque name<max>`. */
export function opaqueVar(max = 0xffffffff): Codec<Uint8Array> {
  return {
    shape: { kind: 'opaque', size: null },
    enc(w, v) {
      if (v.length > max) throw new XdrError(`XDR opaque length ${v.length} over its limit ${max}`);
      w.uint(v.length);
      w.bytes(v);
    },
    dec: (r) => r.bytes(r.length(max, 'opaque')).slice(),
  };
}

/** `T name[size]`. */
export function arrayFixed<T>(of: Codec<T>, size: number): Codec<T[]> {
  return {
    shape: { kind: 'array', of: of as Codec<unknown> },
    enc(w, v) {
      if (v.length !== size) throw new XdrError(`XDR array[${size}] given ${v.length} items`);
      for (const item of v) of.enc(w, item);
    },
    dec(r) {
      const out: T[] = new Array(size);
      for (let i = 0; i < size; i++) out[i] = of.dec(r);
      return out;
    },
  };
}

/** `T name<max>`. */
export function arrayVar<T>(of: Codec<T>, max = 0xffffffff): Codec<T[]> {
  return {
    shape: { kind: 'array', of: of as Codec<unknown> },
    enc(w, v) {
      if (v.length > max) throw new XdrError(`XDR array length ${v.length} over its limit ${max}`);
      w.uint(v.length);
      for (const item of v) of.enc(w, item);
    },
    dec(r) {
      const n = r.length(max, 'array');
      // each item takes at least four bytes: a count beyond the data left is a lie
      if (n > r.remaining / 4) throw new XdrError(`XDR array of ${n} items in ${r.remaining} bytes`);
      const out: T[] = new Array(n);
      for (let i = 0; i < n; i++) out[i] = of.dec(r);
      return out;
    },
  };
}

/** `T *name`: a present flag, then the value. */
export function optional<T>(of: Codec<T>): Codec<T | null> {
  return {
    shape: { kind: 'optional', of: of as Codec<unknown> },
    enc(w, v) {
      if (v === null || v === undefined) return w.int(0);
      w.int(1);
      of.enc(w, v);
    },
    dec: (r) => (bool.dec(r) ? of.dec(r) : null),
  };
}

/** A struct: its fields in order. */
export function struct<T>(fields: readonly (readonly [keyof T & string, Codec<unknown>])[]): Codec<T> {
  const list = fields as unknown as readonly (readonly [string, Codec<unknown>])[];
  return {
    shape: { kind: 'struct', fields: list },
    enc(w, v) {
      const o = v as Record<string, unknown>;
      for (const [name, c] of list) c.enc(w, o[name]);
    },
    dec(r) {
      const o: Record<string, unknown> = {};
      for (const [name, c] of list) o[name] = c.dec(r);
      return o as T;
    },
  };
}

/** One arm of a union: the field that holds the arm's value (null for `void`) and its codec. */
export type UnionArm = readonly [string | null, Codec<unknown>];

/**
 * A discriminated union, as an object holding the discriminant under its declared name and the
 * arm's value under the arm's name (`{ type: 1, i: 5 }`).
 */
export function union<T>(
  discriminant: string,
  disc: Codec<number>,
  arms: ReadonlyMap<number, UnionArm>,
  defaultArm: UnionArm | null,
): Codec<T> {
  const armOf = (d: number): readonly [string | null, Codec<unknown>] => {
    const arm = arms.get(d) ?? defaultArm;
    if (!arm) throw new XdrError(`XDR union: no arm for discriminant ${d}`);
    return arm as readonly [string | null, Codec<unknown>];
  };
  return {
    shape: { kind: 'union' },
    enc(w, v) {
      const o = v as Record<string, unknown>;
      const d = o[discriminant] as number;
      const [name, c] = armOf(d);
      disc.enc(w, d);
      if (name !== null) c.enc(w, o[name]);
    },
    dec(r) {
      const d = disc.dec(r);
      const [name, c] = armOf(d);
      const o: Record<string, unknown> = { [discriminant]: d };
      if (name !== null) o[name] = c.dec(r);
      return o as T;
    },
  };
}

/** Encodes one value alone (tests, golden bytes). */
export function encode<T>(c: Codec<T>, v: T): Uint8Array {
  const w = new XdrWriter();
  c.enc(w, v);
  return w.result().slice();
}

/** Decodes one value that must fill `buf` exactly. */
export function decode<T>(c: Codec<T>, buf: Uint8Array): T {
  const r = new XdrReader(buf);
  const v = c.dec(r);
  if (r.remaining !== 0) throw new XdrError(`XDR data has ${r.remaining} bytes after its value`);
  return v;
}
