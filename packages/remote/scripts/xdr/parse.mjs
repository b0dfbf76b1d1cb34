// @ts-check
// A parser for the XDR language (RFC 4506) as rpcgen reads libvirt's `.x` files: constants,
// enums, structs, discriminated unions and typedefs, plus the `@annotation: value` doc comments
// that libvirt writes before each procedure number.

/**
 * @typedef {{ kind: 'prim', name: string }
 *   | { kind: 'ref', name: string }
 *   | { kind: 'string', max: string | null }
 *   | { kind: 'opaque', fixed: boolean, size: string | null }
 *   | { kind: 'array', of: XdrType, fixed: boolean, size: string | null }
 *   | { kind: 'optional', of: XdrType }} XdrType
 * @typedef {{ name: string, type: XdrType } | { name: null, type: { kind: 'void' } }} Field
 * @typedef {{ name: string, value: string, annotations: Record<string, string[]> }} Enumerator
 * @typedef {{ kind: 'const', name: string, value: string }
 *   | { kind: 'enum', name: string, values: Enumerator[] }
 *   | { kind: 'struct', name: string, fields: Field[] }
 *   | { kind: 'union', name: string, discriminant: Field & { name: string }, arms: { cases: string[], field: Field }[], defaultArm: Field | null }
 *   | { kind: 'typedef', name: string, type: XdrType }} Definition
 */

/** @typedef {{ t: 'id' | 'num' | 'punct', v: string, doc: string | null, line: number }} Token */

const PUNCT = new Set(['{', '}', '(', ')', '[', ']', '<', '>', ';', ',', ':', '=', '*']);

/**
 * Splits a `.x` text into tokens; a doc comment (`/** ... *\/`) is attached to the token after it.
 * @param {string} text
 * @returns {Token[]}
 */
export function tokenize(text) {
  /** @type {Token[]} */
  const out = [];
  let i = 0;
  let line = 1;
  /** @type {string | null} */
  let doc = null;
  while (i < text.length) {
    const c = /** @type {string} */ (text[i]);
    if (c === '\n') { line++; i++; continue; }
    if (c === ' ' || c === '\t' || c === '\r') { i++; continue; }
    if (c === '%' && (i === 0 || text[i - 1] === '\n')) {
      // rpcgen pass-through line (C includes): not part of the protocol
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end < 0) throw new Error(`line ${line}: unterminated comment`);
      const body = text.slice(i + 2, end);
      if (body.startsWith('*')) doc = body;
      line += body.split('\n').length - 1;
      i = end + 2;
      continue;
    }
    if (text.startsWith('//', i)) {
      while (i < text.length && text[i] !== '\n') i++;
      continue;
    }
    const word = /^(?:-?0x[0-9a-fA-F]+|-?[0-9]+|[A-Za-z_][A-Za-z0-9_]*)/.exec(text.slice(i, i + 200));
    if (word) {
      const v = word[0];
      out.push({ t: /^-?[0-9]/.test(v) ? 'num' : 'id', v, doc, line });
      doc = null;
      i += v.length;
      continue;
    }
    if (PUNCT.has(c)) {
      out.push({ t: 'punct', v: c, doc, line });
      doc = null;
      i++;
      continue;
    }
    throw new Error(`line ${line}: unexpected character ${JSON.stringify(c)}`);
  }
  return out;
}

/**
 * `@key: value` lines of a doc comment; a key may repeat (libvirt's `@acl`).
 * @param {string | null} doc
 * @returns {Record<string, string[]>}
 */
export function parseAnnotations(doc) {
  /** @type {Record<string, string[]>} */
  const out = {};
  if (!doc) return out;
  for (const m of doc.matchAll(/@([a-z]+):\s*([^\n]*)/g)) {
    const key = /** @type {string} */ (m[1]);
    (out[key] ??= []).push(/** @type {string} */ (m[2]).trim());
  }
  return out;
}

/**
 * Parses a whole `.x` file into its definitions, in file order.
 * @param {string} text
 * @returns {Definition[]}
 */
export function parseX(text) {
  const toks = tokenize(text);
  let p = 0;
  const peek = () => toks[p];
  const next = () => {
    const t = toks[p++];
    if (!t) throw new Error('unexpected end of file');
    return t;
  };
  /** @param {string} v */
  const expect = (v) => {
    const t = next();
    if (t.v !== v) throw new Error(`line ${t.line}: expected ${v}, found ${t.v}`);
    return t;
  };
  const ident = () => {
    const t = next();
    if (t.t !== 'id') throw new Error(`line ${t.line}: expected a name, found ${t.v}`);
    return t.v;
  };
  const value = () => {
    const t = next();
    if (t.t === 'punct') throw new Error(`line ${t.line}: expected a value, found ${t.v}`);
    return t.v;
  };

  /** @returns {XdrType} */
  function typeSpecifier() {
    const t = ident();
    if (t === 'unsigned') {
      const n = peek();
      if (n && n.t === 'id' && ['int', 'hyper', 'char', 'short', 'long'].includes(n.v)) {
        p++;
        return { kind: 'prim', name: `unsigned ${n.v}` };
      }
      return { kind: 'prim', name: 'unsigned int' };
    }
    if (['int', 'hyper', 'char', 'short', 'long', 'float', 'double', 'bool', 'quadruple'].includes(t)) {
      return { kind: 'prim', name: t };
    }
    if (t === 'struct' || t === 'enum' || t === 'union') return { kind: 'ref', name: ident() };
    return { kind: 'ref', name: t };
  }

  /** @returns {Field} */
  function declaration() {
    if (peek()?.v === 'void') {
      p++;
      return { name: null, type: { kind: 'void' } };
    }
    const head = peek()?.v;
    if (head === 'opaque' || head === 'string') {
      p++;
      const name = ident();
      const open = next();
      if (head === 'string' && open.v !== '<') throw new Error(`line ${open.line}: string needs <max>`);
      if (open.v === '[') {
        const size = value();
        expect(']');
        return { name, type: { kind: 'opaque', fixed: true, size } };
      }
      if (open.v !== '<') throw new Error(`line ${open.line}: expected [ or <`);
      const size = peek()?.v === '>' ? null : value();
      expect('>');
      return { name, type: head === 'string' ? { kind: 'string', max: size } : { kind: 'opaque', fixed: false, size } };
    }
    const base = typeSpecifier();
    if (peek()?.v === '*') {
      p++;
      return { name: ident(), type: { kind: 'optional', of: base } };
    }
    const name = ident();
    if (peek()?.v === '[') {
      p++;
      const size = value();
      expect(']');
      return { name, type: { kind: 'array', of: base, fixed: true, size } };
    }
    if (peek()?.v === '<') {
      p++;
      const size = peek()?.v === '>' ? null : value();
      expect('>');
      return { name, type: { kind: 'array', of: base, fixed: false, size } };
    }
    return { name, type: base };
  }

  /** @type {Definition[]} */
  const defs = [];
  while (p < toks.length) {
    const kw = ident();
    if (kw === 'const') {
      const name = ident();
      expect('=');
      defs.push({ kind: 'const', name, value: value() });
      expect(';');
    } else if (kw === 'enum') {
      const name = ident();
      expect('{');
      /** @type {Enumerator[]} */
      const values = [];
      for (;;) {
        const t = next();
        if (t.v === '}') break;
        if (t.v === ',') continue;
        if (t.t !== 'id') throw new Error(`line ${t.line}: expected an enumerator, found ${t.v}`);
        expect('=');
        values.push({ name: t.v, value: value(), annotations: parseAnnotations(t.doc) });
      }
      expect(';');
      defs.push({ kind: 'enum', name, values });
    } else if (kw === 'struct') {
      const name = ident();
      expect('{');
      /** @type {Field[]} */
      const fields = [];
      while (peek()?.v !== '}') {
        fields.push(declaration());
        expect(';');
      }
      expect('}');
      expect(';');
      defs.push({ kind: 'struct', name, fields });
    } else if (kw === 'union') {
      const name = ident();
      expect('switch');
      expect('(');
      const discriminant = declaration();
      if (discriminant.name === null) throw new Error(`union ${name}: void discriminant`);
      expect(')');
      expect('{');
      /** @type {{ cases: string[], field: Field }[]} */
      const arms = [];
      /** @type {Field | null} */
      let defaultArm = null;
      while (peek()?.v !== '}') {
        const t = next();
        if (t.v === 'default') {
          expect(':');
          defaultArm = declaration();
          expect(';');
          continue;
        }
        if (t.v !== 'case') throw new Error(`line ${t.line}: expected case, found ${t.v}`);
        const cases = [value()];
        expect(':');
        while (peek()?.v === 'case') {
          p++;
          cases.push(value());
          expect(':');
        }
        arms.push({ cases, field: declaration() });
        expect(';');
      }
      expect('}');
      expect(';');
      defs.push({ kind: 'union', name, discriminant: /** @type {Field & { name: string }} */ (discriminant), arms, defaultArm });
    } else if (kw === 'typedef') {
      const d = declaration();
      if (d.name === null) throw new Error('typedef of void');
      defs.push({ kind: 'typedef', name: d.name, type: d.type });
      expect(';');
    } else if (kw === 'program') {
      throw new Error('program blocks are not used by libvirt');
    } else {
      throw new Error(`line ${toks[p - 1]?.line}: unexpected ${kw}`);
    }
  }
  return defs;
}
