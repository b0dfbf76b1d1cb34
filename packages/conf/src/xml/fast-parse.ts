import { element, type XmlElement, type XmlNode } from './xml-node.js';

/** Names the fast path reads; any other name (non-ASCII, ...) goes the full way. */
const NAME = /[A-Za-z_][-A-Za-z0-9_.:]*/y;
const SPACE = /[ \t\r\n]*/y;
const ATTR_VALUE_END = { "'": "'", '"': '"' } as const;
/** Deeper documents go the full way, whose parser refuses hostile nesting. */
const MAX_DEPTH = 256;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d;
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
      NAME.lastIndex = lt + 2;
      const m = NAME.exec(text);
      const top = stack.pop();
      if (!m || !top || m[0] !== top.name) return undefined;
      SPACE.lastIndex = NAME.lastIndex;
      SPACE.exec(text);
      if (text.charCodeAt(SPACE.lastIndex) !== 0x3e /* > */) return undefined;
      i = SPACE.lastIndex + 1;
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
    NAME.lastIndex = lt + 1;
    const m = NAME.exec(text);
    if (!m || (stack.length === 0 && root)) return undefined;
    const el = element(m[0]);
    let j = NAME.lastIndex;
    for (;;) {
      const before = j;
      while (j < n && isSpace(text.charCodeAt(j))) j++;
      const ch = text.charCodeAt(j);
      if (ch === 0x3e /* > */ || (ch === 0x2f && text.charCodeAt(j + 1) === 0x3e)) break;
      if (j === before) return undefined;
      NAME.lastIndex = j;
      const a = NAME.exec(text);
      if (!a) return undefined;
      SPACE.lastIndex = NAME.lastIndex;
      SPACE.exec(text);
      if (text.charCodeAt(SPACE.lastIndex) !== 0x3d /* = */) return undefined;
      SPACE.lastIndex++;
      SPACE.exec(text);
      const q = text[SPACE.lastIndex] as keyof typeof ATTR_VALUE_END;
      if (q !== "'" && q !== '"') return undefined;
      const end = text.indexOf(ATTR_VALUE_END[q], SPACE.lastIndex + 1);
      if (end < 0) return undefined;
      const value = text.slice(SPACE.lastIndex + 1, end);
      if (/[<\n\t]/.test(value)) return undefined;
      for (const [k] of el.attrs) if (k === a[0]) return undefined;
      el.attrs.push([a[0], decode(value)]);
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
