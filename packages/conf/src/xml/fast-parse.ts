import { element, type XmlElement, type XmlNode } from './xml-node.js';

/** Deeper documents go the full way, whose parser refuses hostile nesting. */
const MAX_DEPTH = 256;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
}

function skipSpace(text: string, i: number): number {
  while (isSpace(text.charCodeAt(i))) i++;
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

function hasAttr(el: XmlElement, name: string): boolean {
  for (let k = 0; k < el.attrs.length; k++) if (el.attrs[k]![0] === name) return true;
  return false;
}

/**
 * One pass over a document in the common shape (elements, attributes, text, comments, a leading
 * XML declaration), building the same tree as the full parser. It answers undefined, and the
 * caller takes the full (validating) way, for anything else or anything doubtful: CDATA, DTDs,
 * processing instructions, non-ASCII names, attribute values with line breaks, carriage returns,
 * and every malformed document, so that its refusal keeps libxml2's words. `decode` replaces
 * entity and character references (the caller has already put suspicious ones to libxml2).
 */
export function fastParse(text: string, decode: (s: string) => string): XmlElement | undefined {
  if (text.includes('\r')) return undefined;
  const n = text.length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  let i = 0;
  if (text.startsWith('<?xml')) {
    const end = text.indexOf('?>');
    if (end < 0) return undefined;
    i = end + 2;
  }
  while (i < n) {
    const lt = text.indexOf('<', i);
    const stop = lt < 0 ? n : lt;
    if (stop > i) {
      const t = text.slice(i, stop);
      if (stack.length > 0) stack[stack.length - 1]!.children.push({ kind: 'text', text: decode(t) });
      else if (/\S/.test(t)) return undefined;
    }
    if (lt < 0) break;
    const c = text.charCodeAt(lt + 1);
    if (c === 0x2f /* / */) {
      const top = stack.pop();
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
      const body = text.slice(lt + 4, end);
      if (body.includes('--') || body.endsWith('-')) return undefined;
      if (stack.length > 0) stack[stack.length - 1]!.children.push({ kind: 'comment', text: body });
      i = end + 3;
      continue;
    }
    let j = nameEnd(text, lt + 1);
    if (j === lt + 1 || (stack.length === 0 && root)) return undefined;
    const el = element(text.slice(lt + 1, j));
    for (;;) {
      const before = j;
      j = skipSpace(text, j);
      const ch = text.charCodeAt(j);
      if (ch === 0x3e /* > */ || (ch === 0x2f && text.charCodeAt(j + 1) === 0x3e)) break;
      if (j === before) return undefined;
      const nameAt = j;
      j = nameEnd(text, j);
      if (j === nameAt) return undefined;
      const name = text.slice(nameAt, j);
      j = skipSpace(text, j);
      if (text.charCodeAt(j) !== 0x3d /* = */) return undefined;
      j = skipSpace(text, j + 1);
      const q = text.charCodeAt(j);
      if (q !== 0x27 /* ' */ && q !== 0x22 /* " */) return undefined;
      const end = text.indexOf(q === 0x27 ? "'" : '"', j + 1);
      if (end < 0) return undefined;
      const value = text.slice(j + 1, end);
      if (/[<\n\t]/.test(value) || hasAttr(el, name)) return undefined;
      el.attrs.push([name, decode(value)]);
      j = end + 1;
    }
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(el as XmlNode);
    else root = el;
    if (text.charCodeAt(j) === 0x2f) i = j + 2;
    else {
      if (stack.push(el) > MAX_DEPTH) return undefined;
      i = j + 1;
    }
  }
  return stack.length === 0 ? root : undefined;
}
