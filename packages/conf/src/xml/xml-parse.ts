import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type * as FastXmlParser from 'fast-xml-parser';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import type { XmlElement, XmlNode } from './xml-node.js';
import { libxml2Check } from './libxml2-check.js';
import { parseErrorDetail } from './parse-error-detail.js';
import { fastParse } from './fast-parse.js';

/** Documents larger than this are refused before parsing: no libvirt document comes near it. */
export const MAX_XML_BYTES = 10 * 1024 * 1024;

/**
 * fast-xml-parser's options. Entities are decoded here, in `convert`, and only in the values that
 * have an `&`: its own pass runs over every value (and decodes character references only with its
 * slow HTML entity table). `jPath: false` spares building a path string for every element, which
 * only callbacks (none here) would read. CDATA comes apart so its text is never decoded.
 */
const PARSER_OPTIONS: FastXmlParser.X2jOptions = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  allowBooleanAttributes: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  commentPropName: '#comment',
  cdataPropName: '#cdata',
  processEntities: false,
  htmlEntities: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
  jPath: false,
};

let full: { parser: FastXmlParser.XMLParser; validator: typeof FastXmlParser.XMLValidator } | undefined;

/**
 * fast-xml-parser, loaded when a document first takes the full way: most take the fast one, and a
 * start that parses none should not pay for it. Its CommonJS build is one bundled file, which
 * loads several times faster than its ESM tree of some thirty modules.
 */
function fullParser(): NonNullable<typeof full> {
  if (!full) {
    const { XMLParser, XMLValidator } = createRequire(import.meta.url)('fast-xml-parser') as typeof FastXmlParser;
    full = { parser: new XMLParser(PARSER_OPTIONS), validator: XMLValidator };
  }
  return full;
}

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([\da-fA-F]+));/g;

/**
 * A value with its entity and character references replaced, in one pass (`&amp;lt;` is `&lt;`).
 * Nothing else reaches here: documents with other entities went to libxml2 and were refused.
 */
function decode(value: string): string {
  if (!value.includes('&')) return value;
  return value.replace(REFERENCE, (_, name: string | undefined, dec: string | undefined, hex: string | undefined) =>
    (name !== undefined ? PREDEFINED[name]! : String.fromCodePoint(dec !== undefined ? Number(dec) : parseInt(hex!, 16))));
}

type Ordered = Record<string, unknown> & { ':@'?: Record<string, string> };

/**
 * fast-xml-parser refuses elements and attributes named like Object.prototype's members; XML does
 * not, and libvirt takes them as any unknown name. They are renamed to a marked name for the
 * parser and given back their own in `convert`.
 */
const RESERVED_NAME = /(<\/?|\s)(constructor|prototype|__proto__)(?=[\s/>=])/g;
const MARK = '\u00B7\u00B7tsvirt';
const MARKED = /(constructor|prototype|__proto__)\u00B7\u00B7tsvirt/g;
const unmark = (s: string): string => (s.includes(MARK) ? s.replace(MARKED, '$1') : s);

function convert(list: Ordered[]): XmlNode[] {
  const out: XmlNode[] = [];
  for (const item of list) {
    let key = '';
    for (const k in item) {
      if (k !== ':@') {
        key = k;
        break;
      }
    }
    const value = item[key];
    if (key === '#text') out.push({ kind: 'text', text: unmark(decode(String(value))) });
    else if (key === '#comment' || key === '#cdata') {
      const inner = unmark((value as Ordered[]).map((v) => String(v['#text'] ?? '')).join(''));
      out.push(key === '#cdata' ? { kind: 'text', text: inner } : { kind: 'comment', text: inner });
    } else {
      out.push({
        kind: 'element',
        name: unmark(key),
        attrs: Object.entries(item[':@'] ?? {}).map(([k, v]) => [unmark(k), unmark(decode(String(v)))]),
        children: convert(value as Ordered[]),
      });
    }
  }
  return out;
}

/** An `&` that starts none of the five predefined entities or a character reference. */
const UNKNOWN_REFERENCE = /&(?!(?:amp|lt|gt|quot|apos|#\d+|#x[\da-fA-F]+);)/;

/**
 * What fast-xml-parser lets through but libxml2 refuses: control characters, `]]>` in text, an
 * entity other than the five predefined ones or a character reference, `<` in an attribute value.
 * A document with any of them is put to libxml2 before it is parsed.
 */
const SUSPICIOUS = new RegExp(`[\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\uFFFE\\uFFFF]|\\]\\]>|${UNKNOWN_REFERENCE.source}|=\\s*(?:"[^"]*<|'[^']*<)`);
const CHAR_REF = /&#(x[\da-fA-F]+|\d+);/g;

/** Whether a character reference names a character XML does not allow (`&#0;`). */
function hasBadCharRef(text: string): boolean {
  if (!text.includes('&#')) return false;
  for (const [, ref] of text.matchAll(CHAR_REF)) {
    const c = ref!.startsWith('x') ? parseInt(ref!.slice(1), 16) : Number(ref);
    const ok = c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
    if (!ok) return true;
  }
  return false;
}

/** `decode` for the one-pass reader: undefined for a reference the full way puts to libxml2. */
function checkedDecode(value: string): string | undefined {
  return UNKNOWN_REFERENCE.test(value) || hasBadCharRef(value) ? undefined : decode(value);
}

/** A comment whose text holds `--` or ends in `-` (`<!-- a -- b -->`, `<!-- a --->`): XML forbids both. */
const COMMENT = /<!--([\s\S]*?)-->/g;
/** An XML declaration anywhere but at the very start (`<?xml` is reserved; `<?xml-stylesheet` is another target). */
const LATE_DECLARATION = /(?<!^)<\?xml(?=[\s?])/i;

/** Malformed forms fast-xml-parser accepts: comments with `--`, a late XML declaration. */
function hasMalformedMarkup(text: string): boolean {
  if (text.includes('<?') && LATE_DECLARATION.test(text)) return true;
  if (!text.includes('<!--')) return false;
  for (const [, body] of text.matchAll(COMMENT)) if (body!.includes('--') || body!.endsWith('-')) return true;
  return false;
}

/**
 * Parses an XML document into a lossless element tree. Errors are labelled the way libvirt
 * labels them: `(domain_definition)` for a document given as a string, the path for a file.
 * Malformed documents are reported in libxml2's words (asked on the error path only, so the fast
 * path stays fast) as XML_DETAIL in the caller's error domain. Hostile input is refused: DTDs,
 * entity declarations and oversized documents raise a VirError instead of expanding.
 */
export function parseLabelled(text: string, label: string, domain: ErrorDomain): XmlElement {
  // A UTF-16 code unit is at most 3 bytes of UTF-8: only a long text needs counting.
  if (text.length * 3 > MAX_XML_BYTES && Buffer.byteLength(text) > MAX_XML_BYTES) {
    throw new VirError(ErrorCode.XML_ERROR, `document ${label} is larger than ${MAX_XML_BYTES} bytes`, domain);
  }
  if (text.includes('<!') && /<!DOCTYPE|<!ENTITY/i.test(text)) {
    throw new VirError(ErrorCode.XML_ERROR, `${label}: DTDs and entity declarations are not allowed`, domain);
  }
  // The one-pass reader takes no document the checks below would put to libxml2: it goes first.
  const fast = useFastPath ? fastParse(text, checkedDecode) : undefined;
  if (fast) return fast;
  if (SUSPICIOUS.test(text) || hasBadCharRef(text) || hasMalformedMarkup(text)) {
    const e = libxml2Check(text);
    if (e) throw new VirError(ErrorCode.XML_DETAIL, parseErrorDetail(text, label, e), domain);
  }
  const refuse = (fallback: string, cause?: unknown): never => {
    const e = libxml2Check(text);
    const detail = e ? parseErrorDetail(text, label, e) : `${label}:${fallback}`;
    throw new VirError(ErrorCode.XML_DETAIL, detail, domain, cause === undefined ? undefined : { cause });
  };
  if (!/\S/.test(text)) refuse('1: Document is empty');
  return fullParse(text, refuse);
}

/**
 * The validating parse: fast-xml-parser's validator, then its parser. Refusals go through
 * `refuse`, which words them as libxml2 does.
 */
function fullParse(text: string, refuse: (fallback: string, cause?: unknown) => never): XmlElement {
  const marked = /constructor|prototype|__proto__/.test(text) ? text.replace(RESERVED_NAME, `$1$2${MARK}`) : text;
  const { parser, validator } = fullParser();
  const valid = validator.validate(marked, { allowBooleanAttributes: false });
  if (valid !== true) refuse(`${valid.err.line}: ${valid.err.msg}`);
  let roots: XmlElement[] = [];
  try {
    roots = convert(parser.parse(marked) as Ordered[]).filter((n): n is XmlElement => n.kind === 'element');
  } catch (e) {
    // The parser's own limits (nesting depth, ...) surface as plain Errors.
    refuse(` ${(e as Error).message}`, e);
  }
  if (roots.length !== 1) refuse(' Extra content at the end of the document');
  return roots[0]!;
}

let useFastPath = true;

/** Turns the one-pass reader off or on (tests compare its trees with the validating parser's). */
export function setFastPath(on: boolean): void {
  useFastPath = on;
}

/** Parses XML text; `what` names it in errors as libvirt does (`domain_definition`, `network_definition`). */
export function parseXml(text: string, what = 'xml', domain: ErrorDomain = ErrorDomain.XML): XmlElement {
  return parseLabelled(text, `(${what})`, domain);
}

/**
 * The name libxml2 gives a file in its own messages: its canonical path reads a leading `//x` (not
 * `///x`) as `/x`. libvirt's own messages keep the path as given.
 */
export const libxmlFileName = (path: string): string => (/^\/\/(?!\/)/.test(path) ? path.slice(1) : path);

/**
 * Reads an XML file as libvirt has libxml2 read one: a missing or unreadable file prints
 * libxml2's I/O messages on stderr (an unreadable one is tried twice) and fails with XML_ERROR; a
 * directory reads as empty.
 */
export function readXmlFile(path: string, domain: ErrorDomain = ErrorDomain.XML): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') {
      process.stderr.write('I/O error : Is a directory\n');
      return '';
    }
    if (code === 'EACCES') process.stderr.write('I/O error : Permission denied\n'.repeat(2));
    process.stderr.write(`I/O warning : failed to load external entity "${libxmlFileName(path)}"\n`);
    throw new VirError(ErrorCode.XML_ERROR, `failed to parse xml document '${path}'`, domain, { cause: e });
  }
}

/** Reads and parses an XML file; errors are labelled with its path, as libvirt labels them. */
export function parseXmlFile(path: string, domain: ErrorDomain = ErrorDomain.XML): XmlElement {
  return parseLabelled(readXmlFile(path, domain), libxmlFileName(path), domain);
}
