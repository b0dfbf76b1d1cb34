import { element, type XmlElement, type XmlNode } from './xml-node.js';

/** Deeper documents go the full way, whose parser refuses hostile nesting. */
const MAX_DEPTH = 256;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

/** Bounded by the text's end: a read past it would deoptimise the optimised reader once, every process. */
function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
}

/**
 * Where the name at `i` ends, `i` when there is none. Names the fast path reads are
 * `[A-Za-z_][-A-Za-z0-9_.:]*`; any other name (non-ASCII, ...) goes the full way. Scanned by
 * character code: a regex match would allocate its result for every name of every document.
 */
function nameEnd(text: string, i: number): number {
  if (!isNameStart(text.charCodeAt(i))) return i;
  for (i++; ; i++) {
    const c = text.charCodeAt(i);
    if (!(isNameStart(c) || (c >= 0x30 && c <= 0x3a) || c === 0x2d || c === 0x2e)) return i;
  }
}

/**
 * The attributes of the element being read and the children of the open ones (each open element's
 * from its mark on), gathered here and copied to arrays of their exact size when complete: an
 * array grown by `push` from empty reserves room for sixteen, for every element of every document.
 * `kids` is filled up to a count the reader keeps, so that closing an element does not truncate
 * it (setting an array's length is a call into V8, once per element).
 */
const attrs: Array<[string, string]> = [];
const kids: XmlNode[] = [];

function hasAttr(count: number, name: string): boolean {
  for (let k = 0; k < count; k++) if (attrs[k]![0] === name) return true;
  return false;
}

/** What a scan found in a run of character data, as bits. */
const AMP = 1;
const EQUALS = 2;
const LT = 4;
/** A tab or a line feed, which the full parser keeps in an attribute value and XML normalises. */
const TAB_LF = 8;
/** A character XML does not allow (a control character, U+FFFE, U+FFFF): libxml2 words the refusal. */
const BAD = 16;

/** What each ASCII character counts as in a scan. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) CLASS[c] = BAD;
CLASS[0x09] = TAB_LF;
CLASS[0x0a] = TAB_LF;
CLASS[0x26] = AMP;
CLASS[0x3c] = LT;
CLASS[0x3d] = EQUALS;

/**
 * One scan of a run of text, a comment, an attribute value or the declaration, by character code:
 * it stands in for the whole-document regexes the full way puts a document to first (control
 * characters, references other than the known ones, `=` and a quote followed by `<`).
 */
function scan(text: string, from: number, to: number): number {
  let found = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) found |= CLASS[c]!;
    else if (c >= 0xfffe) found |= BAD;
  }
  return found;
}

/** Layout text (a line feed and spaces) by its length: one string for all of a length, not one per element. */
const INDENTS: string[] = [];

/** The text from `from` to `to`, the shared string when it is a line feed and up to 64 spaces. */
function textAt(text: string, from: number, to: number): string {
  if (to - from > 65 || text.charCodeAt(from) !== 0x0a) return text.slice(from, to);
  for (let i = from + 1; i < to; i++) if (text.charCodeAt(i) !== 0x20) return text.slice(from, to);
  return (INDENTS[to - from] ??= text.slice(from, to));
}

/** `=`, blanks, a quote and then a `<` before the quote closes: the full way has libxml2 look first. */
const QUOTED_LT = /=\s*(?:"[^"]*<|'[^']*<)/;

/**
 * One pass over a document in the common shape (elements, attributes, text, comments, a leading
 * XML declaration), building the same tree as the full parser. It answers undefined, and the
 * caller takes the full (validating) way, for anything else or anything doubtful: CDATA, DTDs,
 * processing instructions, non-ASCII names, attribute values with line breaks, carriage returns,
 * every malformed document, and whatever the full way first puts to libxml2 (control characters,
 * `]]>`, unknown or bad references, `=` and a quote followed by `<`), so that a refusal keeps
 * libxml2's words. `decode` replaces entity and character references, and answers undefined for
 * one it does not know or a character XML does not allow.
 */
export function fastParse(text: string, decode: (s: string) => string | undefined): XmlElement | undefined {
  try {
    return readTree(text, decode);
  } finally {
    // Nothing of a document stays referenced from the shared lists, the one it declined included.
    kids.length = 0;
    attrs.length = 0;
  }
}

function readTree(text: string, decode: (s: string) => string | undefined): XmlElement | undefined {
  if (text.includes('\r') || text.includes(']]>')) return undefined;
  const n = text.length;
  const stack: XmlElement[] = [];
  /** Where each open element's children start in `kids`, and where they end. */
  const marks: number[] = [];
  let kidsEnd = 0;
  let root: XmlElement | undefined;
  let i = 0;
  let seen = 0;
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) return undefined;
    const found = scan(text, 5, end);
    // A `<` could be a late `<?xml`; a reference there is not decoded, only checked the full way.
    if (found & (LT | AMP | BAD)) return undefined;
    // A quote the declaration leaves open would run to the first `<` after it.
    if (found & EQUALS && QUOTED_LT.test(text.slice(0, text.indexOf('<', end) + 1))) return undefined;
    i = end + 2;
  }
  while (i < n) {
    const lt = text.indexOf('<', i);
    const stop = lt < 0 ? n : lt;
    if (stop > i) {
      const found = scan(text, i, stop);
      seen |= found;
      if (stack.length === 0) {
        if (skipSpace(text, i) < stop) return undefined;
      } else {
        const t = found & AMP ? decode(text.slice(i, stop)) : textAt(text, i, stop);
        if (t === undefined) return undefined;
        kids[kidsEnd++] = { kind: 'text', text: t };
      }
    }
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const top = stack.pop();
      if (top) {
        const mark = marks.pop()!;
        top.children = kids.slice(mark, kidsEnd);
        kidsEnd = mark;
      }
      const end = nameEnd(text, lt + 2);
      if (!top || end - lt - 2 !== top.name.length || !text.startsWith(top.name, lt + 2)) return undefined;
      const gt = skipSpace(text, end);
      if (text.charCodeAt(gt) !== 0x3e /* > */) return undefined;
      i = gt + 1;
      continue;
    }
    if (c === 0x21 /* ! */) {
      if (!text.startsWith('<!--', lt)) return undefined;
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) return undefined;
      const found = scan(text, lt + 4, end);
      seen |= found;
      const body = text.slice(lt + 4, end);
      // A `<?` in a comment could be a late `<?xml`; a reference in one is checked, never decoded.
      if ((found & LT && body.includes('<?')) || (found & AMP && decode(body) === undefined)) return undefined;
      if (body.includes('--') || body.endsWith('-')) return undefined;
      if (stack.length > 0) kids[kidsEnd++] = { kind: 'comment', text: body };
      i = end + 3;
      continue;
    }
    let j = nameEnd(text, lt + 1);
    if (j === lt + 1 || (stack.length === 0 && root)) return undefined;
    const name = text.slice(lt + 1, j);
    let count = 0;
    for (;;) {
      const before = j;
      j = skipSpace(text, j);
      const ch = text.charCodeAt(j);
      if (ch === 0x3e /* > */ || (ch === 0x2f && text.charCodeAt(j + 1) === 0x3e)) break;
      if (j === before) return undefined;
      const nameAt = j;
      j = nameEnd(text, j);
      if (j === nameAt) return undefined;
      const attrName = text.slice(nameAt, j);
      j = skipSpace(text, j);
      if (text.charCodeAt(j) !== 0x3d /* = */) return undefined;
      j = skipSpace(text, j + 1);
      const q = text.charCodeAt(j);
      if (q !== 0x27 /* ' */ && q !== 0x22 /* " */) return undefined;
      const end = text.indexOf(q === 0x27 ? "'" : '"', j + 1);
      if (end < 0) return undefined;
      const found = scan(text, j + 1, end);
      seen |= found;
      if (found & (LT | TAB_LF) || hasAttr(count, attrName)) return undefined;
      const value = found & AMP ? decode(text.slice(j + 1, end)) : text.slice(j + 1, end);
      if (value === undefined) return undefined;
      attrs[count++] = [attrName, value];
      j = end + 1;
    }
    const el = element(name, count === 0 ? [] : attrs.slice(0, count));
    if (stack.length > 0) kids[kidsEnd++] = el;
    else root = el;
    if (text.charCodeAt(j) === 0x2f) i = j + 2;
    else {
      if (stack.push(el) > MAX_DEPTH) return undefined;
      marks.push(kidsEnd);
      i = j + 1;
    }
  }
  if (seen & BAD || (seen & EQUALS && QUOTED_LT.test(text))) return undefined;
  return stack.length === 0 ? root : undefined;
}
