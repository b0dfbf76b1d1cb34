import { DOMParser, type Attr, type Element, type Node } from '@xmldom/xmldom';
import { CommandFailed } from './vsh/ctl.js';
import { escapeAttr, escapeText } from './xml-dump.js';

/** The part of the `xpath` package tsvirsh uses. */
export interface XPathLib {
  select(expression: string, node: Node): Node[] | string | number | boolean | null;
}

// xpath's typings pull the DOM lib into the whole program (browser globals beside Node's), so the
// package is loaded by a specifier TypeScript does not resolve and typed by the interface above.
const XPATH_PACKAGE: string = 'xpath';

/** The `xpath` package, loaded when the first expression is evaluated. */
export async function loadXPath(): Promise<XPathLib> {
  return (await import(XPATH_PACKAGE)) as XPathLib;
}

const TEXT = 3;
const CDATA = 4;
const PI = 7;
const COMMENT = 8;
const DOCUMENT = 9;
const NAMESPACE = 13;

const isBlank = (n: Node): boolean => n.nodeType === TEXT && /^[ \t\n\r]*$/.test(n.nodeValue ?? '');
const isElement = (n: Node): n is Element => n.nodeType === 1;

/**
 * Drops the whitespace-only text nodes libxml2 drops when it parses without blanks (virsh's
 * xmlKeepBlanksDefault(0)): a blank is kept only as the sole content of an element, after text,
 * in an element whose first kept child is text, or under xml:space="preserve".
 */
function dropBlanks(el: Element, preserve: boolean): void {
  const space = el.getAttribute('xml:space');
  const keepAll = space === 'preserve' || (preserve && space !== 'default');
  const kids = [...Array.from(el.childNodes)];
  let first: Node | undefined;
  let last: Node | undefined;
  for (const [i, kid] of kids.entries()) {
    const sole = last === undefined && i === kids.length - 1;
    if (isBlank(kid) && !keepAll && !sole && last?.nodeType !== TEXT && first?.nodeType !== TEXT) {
      el.removeChild(kid);
      continue;
    }
    first ??= kid;
    last = kid;
    if (isElement(kid)) dropBlanks(kid, keepAll);
  }
}

/** An element's namespace declarations, then its attributes, as libxml2 prints them. */
function attrList(el: Element): Attr[] {
  const all = Array.from(el.attributes);
  const isNs = (a: Attr): boolean => a.name === 'xmlns' || a.name.startsWith('xmlns:');
  return [...all.filter(isNs), ...all.filter((a) => !isNs(a))];
}

/** A tree of output nodes: what xmlNodeDump walks. `<nodes>` of `--wrap` is built as one. */
interface OutElement {
  readonly name: string;
  readonly attrs: Array<[string, string]>;
  readonly children: Node[];
}

const attrText = (attrs: ReadonlyArray<[string, string]>): string => attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');

/** libxml2's xmlNodeDump with format=1: two-space indentation, except inside elements holding text. */
function dumpElement(el: OutElement, level: number, format: boolean): string {
  const open = `<${el.name}${attrText(el.attrs)}`;
  if (el.children.length === 0) return `${open}/>`;
  const nested = format && !el.children.some((c) => c.nodeType === TEXT || c.nodeType === CDATA);
  const pad = (n: number): string => (nested ? '  '.repeat(Math.min(n, 30)) : '');
  const indented = (c: Node): boolean => isElement(c) || c.nodeType === COMMENT || c.nodeType === PI;
  const inner = el.children.map((c) => `${indented(c) ? pad(level + 1) : ''}${dumpNode(c, level + 1, nested)}${nested ? '\n' : ''}`);
  return `${open}>${nested ? '\n' : ''}${inner.join('')}${pad(level)}</${el.name}>`;
}

const outElement = (el: Element): OutElement => ({
  name: el.nodeName,
  attrs: attrList(el).map((a) => [a.name, a.value]),
  children: Array.from(el.childNodes),
});

function dumpNode(node: Node, level: number, format: boolean): string {
  if (isElement(node)) return dumpElement(outElement(node), level, format);
  switch (node.nodeType) {
    case 2: return ` ${node.nodeName}="${escapeAttr(node.nodeValue ?? '')}"`;
    case TEXT: return escapeText(node.nodeValue ?? '');
    case CDATA: return `<![CDATA[${node.nodeValue ?? ''}]]>`;
    case COMMENT: return `<!--${node.nodeValue ?? ''}-->`;
    case PI: return node.nodeValue ? `<?${node.nodeName} ${node.nodeValue}?>` : `<?${node.nodeName}?>`;
    case DOCUMENT:
      return `<?xml version="1.0" encoding="UTF-8"?>\n${Array.from(node.childNodes).map((c) => `${dumpNode(c, 0, true)}\n`).join('')}`;
    case NAMESPACE: {
      const ns = node as unknown as { localName: string; nodeValue: string };
      return ` xmlns${ns.localName ? `:${ns.localName}` : ''}="${escapeAttr(ns.nodeValue)}"`;
    }
    default: return '';
  }
}

/**
 * `--wrap`: the nodes added under a new `<nodes>` element as libxml2's xmlAddChild adds them, an
 * attribute replacing an earlier one of its name and text joining the text before it.
 */
function wrap(nodes: readonly Node[]): OutElement {
  const root: OutElement = { name: 'nodes', attrs: [], children: [] };
  for (const node of nodes) {
    if (node.nodeType === 2) {
      const i = root.attrs.findIndex(([k]) => k === node.nodeName);
      if (i >= 0) root.attrs.splice(i, 1);
      root.attrs.push([node.nodeName, node.nodeValue ?? '']);
      continue;
    }
    const last = root.children.at(-1);
    if (node.nodeType === TEXT && last?.nodeType === TEXT) {
      root.children[root.children.length - 1] = last.ownerDocument!.createTextNode(`${last.nodeValue ?? ''}${node.nodeValue ?? ''}`);
    } else {
      root.children.push(node);
    }
  }
  return root;
}

/** How many `[` outside string literals are still open at the end of an expression. */
function openPredicates(expr: string): number {
  let depth = 0;
  for (const token of expr.match(/"[^"]*"?|'[^']*'?|[[\]]|[^"'[\]]+/g) ?? []) {
    if (token === '[') depth++;
    else if (token === ']') depth = Math.max(0, depth - 1);
  }
  return depth;
}

type Selected = ReturnType<XPathLib['select']>;

function evaluates(xpath: XPathLib, expr: string, doc: Node): boolean {
  try {
    xpath.select(expr, doc);
    return true;
  } catch {
    return false;
  }
}

/** The expression's value, or libxml2's stderr text for an expression it cannot evaluate. */
function evaluate(xpath: XPathLib, expr: string, doc: Node): { value: Selected } | { error: string } {
  try {
    return { value: xpath.select(expr, doc) };
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (message.startsWith('Unterminated string literal')) return { error: 'XPath error : Unfinished literal\n' };
    // libxml2 names a predicate left open once what it holds parses.
    if (openPredicates(expr) > 0 && evaluates(xpath, `${expr}${']'.repeat(openPredicates(expr))}`, doc)) return { error: 'XPath error : Invalid predicate\n' };
    const fn = /^Unknown function (.*)$/.exec(message);
    if (fn) return { error: `xmlXPathCompOpEval: function ${fn[1]} not found\nXPath error : Unregistered function\n` };
    if (message.startsWith('Cannot resolve QName')) return { error: 'XPath error : Undefined namespace prefix\n' };
    if (/^Function \S+ expects/.test(message)) return { error: 'XPath error : Invalid number of arguments\n' };
    return { error: 'XPath error : Invalid expression\n' };
  }
}

/** What `--xpath` prints: the output text, and what libxml2 itself would print to stderr. */
export interface XPathOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * virsh's virshDumpXML with an expression: the document re-read without blanks, the node set it
 * selects dumped one per line (or wrapped in `<nodes>`). An expression libxml2 cannot evaluate
 * selects nothing after libxml2's own message; one that gives a value rather than nodes fails.
 */
export function selectXML(xpath: XPathLib, xml: string, expr: string, wrapped: boolean): XPathOutput {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  if (doc.documentElement) dropBlanks(doc.documentElement, false);
  const outcome = evaluate(xpath, expr, doc);
  const result = 'value' in outcome ? outcome.value : [];
  const stderr = 'error' in outcome ? outcome.error : '';
  if (!Array.isArray(result)) throw new CommandFailed(`internal error: Incorrect xpath '${expr}'`);
  if (wrapped) return { stdout: `${dumpElement(wrap(result), 0, true)}\n`, stderr };
  return { stdout: result.map((n) => `${dumpNode(n, 0, true)}\n`).join(''), stderr };
}

/** A domain document as virsh reads one to edit a device: blanks kept, nodes editable. */
export interface DeviceSelection {
  readonly nodes: Node[];
  /** libxml2's own message for an expression it cannot evaluate. */
  readonly stderr: string;
}

/** The nodes `expr` selects in `xml` (parsed with its blanks, as virsh parses a domain to edit it). */
export function selectForEdit(xpath: XPathLib, xml: string, expr: string): DeviceSelection {
  const doc = new DOMParser().parseFromString(xml, 'text/xml');
  const outcome = evaluate(xpath, expr, doc);
  const value = 'value' in outcome ? outcome.value : [];
  return { nodes: Array.isArray(value) ? value : [], stderr: 'error' in outcome ? outcome.error : '' };
}

/** One node as libxml2's xmlNodeDump writes it without formatting: the whitespace inside as it is. */
export const dumpAsIs = (node: Node): string => dumpNode(node, 0, false);
