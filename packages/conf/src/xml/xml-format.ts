import { own } from '../own.js';
import type { ElementSpec } from '../schema/element-spec.js';
import { canonicalOrder, ranksOf } from './canonical-order.js';
import type { XmlElement, XmlNode } from './xml-node.js';

const LIBVIRT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' };
// libxml2 escapes differently in text and in attributes, and never escapes the apostrophe.
const LIBXML_TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const LIBXML_ATTR: Record<string, string> = { ...LIBXML_TEXT, '"': '&quot;', '\n': '&#10;', '\t': '&#9;' };

/** Escapes attribute and text content as libvirt's formatter does. */
const NEEDS_ESCAPE = /[&<>'"]/;

export function escapeXml(s: string): string {
  // Most values have nothing to escape: a test is cheaper than a replace with a callback.
  return NEEDS_ESCAPE.test(s) ? s.replace(/[&<>'"]/g, (c) => LIBVIRT_ESCAPES[c]!) : s;
}

interface Style {
  quote: string;
  text: (s: string) => string;
  attr: (s: string) => string;
  /** ` name='` by attribute name (see `attrOpen`). */
  opens: Map<string, string>;
}

const LIBVIRT: Style = { quote: "'", text: escapeXml, attr: escapeXml, opens: new Map() };
const LIBXML: Style = {
  quote: '"',
  text: (s) => s.replace(/[&<>\r]/g, (c) => LIBXML_TEXT[c]!),
  attr: (s) => s.replace(/[&<>"\r\n\t]/g, (c) => LIBXML_ATTR[c]!),
  opens: new Map(),
};

/** Whitespace-only text: `\S` and `trim` know the same whitespace. */
const NOT_SPACE = /\S/;

/** Whitespace-only text, tested by character code; text with other than ASCII is put to the regex. */
function isBlank(n: XmlNode): boolean {
  if (n.kind !== 'text') return false;
  const t = n.text;
  for (let i = 0; i < t.length; i++) {
    const c = t.charCodeAt(i);
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) continue;
    return c > 0x7f && !NOT_SPACE.test(t);
  }
  return true;
}

const attrName = (a: readonly [string, string]): string => a[0];
const nodeKey = (c: XmlNode): string => (c.kind === 'element' ? c.name : c.kind === 'text' ? '#text' : '#comment');

/** The children that are not layout (whitespace-only text), the array itself when all are. */
function contentOf(children: XmlNode[]): XmlNode[] {
  let count = 0;
  for (let i = 0; i < children.length; i++) if (!isBlank(children[i]!)) count++;
  if (count === children.length) return children;
  // Of its exact size: an array grown by `push` from empty reserves room for sixteen.
  const out = new Array<XmlNode>(count);
  for (let i = 0, j = 0; i < children.length; i++) if (!isBlank(children[i]!)) out[j++] = children[i]!;
  return out;
}

/** A spec's order tables as rank maps. */
interface Ranks {
  readonly attrs: ReadonlyMap<string, number> | undefined;
  readonly order: ReadonlyMap<string, number> | undefined;
}

const RANKS = new WeakMap<ElementSpec, Ranks>();

/** Both order tables of a spec, found with one lookup per element formatted. */
function ranksOfSpec(spec: ElementSpec): Ranks {
  let ranks = RANKS.get(spec);
  if (!ranks) {
    ranks = { attrs: spec.attrs && ranksOf(spec.attrs), order: spec.order && ranksOf(spec.order) };
    RANKS.set(spec, ranks);
  }
  return ranks;
}

/** Documents of made-up names do not grow the tables of `attrOpen` and `tagOf` past this. */
const MAX_NAMES = 4096;

/**
 * ` name='` for an attribute, made once per name and style: one concatenation where a template
 * made five, for every attribute of every document (each a new string).
 */
function attrOpen(style: Style, name: string): string {
  let open = style.opens.get(name);
  if (open === undefined) {
    open = ` ${name}=${style.quote}`;
    if (style.opens.size < MAX_NAMES) style.opens.set(name, open);
  }
  return open;
}

/** An element's `<name` and `</name>` with the line feed after it. */
interface Tag {
  readonly open: string;
  readonly close: string;
}

const TAGS = new Map<string, Tag>();

function tagOf(name: string): Tag {
  let tag = TAGS.get(name);
  if (tag === undefined) {
    tag = { open: `<${name}`, close: `</${name}>\n` };
    if (TAGS.size < MAX_NAMES) TAGS.set(name, tag);
  }
  return tag;
}

/** Indentation by depth, one string each. */
const PADS: string[] = [];

const padOf = (indent: number): string => (PADS[indent] ??= ' '.repeat(indent));

/**
 * One element and its content. Each string is built by appending to one accumulator, with the
 * tags and attribute openings taken from the tables above: the formatter's strings were its
 * largest allocation (a third of a corpus pass's), a template literal making one string per part.
 * Indexed loops, no callbacks: most documents are formatted before V8 has optimised this (see xml-node.ts).
 */
function format(el: XmlElement, indent: number, spec: ElementSpec | undefined, style: Style): string {
  if (spec?.foreign) style = LIBXML;
  const q = style.quote;
  const ranks = spec && ranksOfSpec(spec);
  const pad = padOf(indent);
  const tag = tagOf(el.name);
  let out = pad + tag.open;
  const ordered = canonicalOrder(el.attrs, attrName, ranks?.attrs);
  for (let i = 0; i < ordered.length; i++) out = out + attrOpen(style, ordered[i]![0]) + style.attr(ordered[i]![1]) + q;
  const children = canonicalOrder(contentOf(el.children), nodeKey, ranks?.order);
  if (children.length === 0) return spec?.expanded ? out + '>\n' + pad + tag.close : out + '/>\n';
  let text: string | undefined = '';
  for (let i = 0; i < children.length && text !== undefined; i++) {
    const c = children[i]!;
    text = c.kind === 'text' ? text + c.text : undefined;
  }
  if (text !== undefined) return out + '>' + style.text(text) + tag.close;
  const inner = padOf(indent + 2);
  out += '>\n';
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === 'element') out += format(c, indent + 2, spec?.children && own(spec.children, c.name), style);
    // libvirt's canonical form has no comments; without a spec the document is printed as written.
    else if (c.kind === 'comment') out += spec ? '' : `${inner}<!--${c.text}-->\n`;
    else out = out + inner + style.text(c.text.trim()) + '\n';
  }
  return out + pad + tag.close;
}

/**
 * Formats an element tree in libvirt's layout: two-space indentation, single-quoted attributes,
 * `<x/>` for empty elements and text kept inline. Whitespace-only text between child elements is
 * layout, not content, and is regenerated. With a spec, attributes and children are put in
 * libvirt's order and its layout quirks are applied; without one, document order is kept.
 */
export function formatXml(el: XmlElement, indent = 0, spec?: ElementSpec): string {
  return format(el, indent, spec, LIBVIRT);
}
