import { attr, childElements, parseXml, type XmlElement, type XmlNode } from '@tsvirt/conf';
import type { OptDef } from './vsh/command-def.js';
import type { Ctl } from './vsh/ctl.js';
import type { ParsedCommand } from './vsh/parsed-command.js';
import { CommandFailed } from './vsh/ctl.js';

const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\n': '&#10;', '\t': '&#9;' };
const escapeText = (s: string): string => s.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
const escapeAttr = (s: string): string => s.replace(/[&<>"\r\n\t]/g, (c) => ATTR_ESCAPES[c]!);
const attrText = (el: XmlElement): string => el.attrs.map(([k, v]) => ` ${k}="${escapeAttr(v)}"`).join('');

function dumpNode(node: XmlNode): string {
  if (node.kind === 'text') return escapeText(node.text);
  if (node.kind === 'comment') return `<!--${node.text}-->`;
  return node.children.length === 0
    ? `<${node.name}${attrText(node)}/>`
    : `<${node.name}${attrText(node)}>${node.children.map(dumpNode).join('')}</${node.name}>`;
}

/**
 * One element as libxml2's xmlNodeDump writes it, which is how virsh prints a device it found in a
 * domain's XML: double quotes, and the whitespace inside as it was in the document.
 */
export function dumpElement(el: XmlElement): string {
  return dumpNode(el);
}

/** libxml2's formatted dump of a document parsed without blanks: two-space indentation, text kept inline. */
function formatElement(el: XmlElement, pad: string): string {
  const kids = el.children.filter((c) => c.kind !== 'text' || c.text.trim() !== '');
  if (kids.length === 0) return `${pad}<${el.name}${attrText(el)}/>`;
  if (kids.every((c) => c.kind === 'text')) return `${pad}<${el.name}${attrText(el)}>${kids.map(dumpNode).join('')}</${el.name}>`;
  const inner = kids.map((c) => (c.kind === 'element' ? formatElement(c, `${pad}  `) : `${pad}  ${dumpNode(c)}`)).join('\n');
  return `${pad}<${el.name}${attrText(el)}>\n${inner}\n${pad}</${el.name}>`;
}

/** `--xpath` and `--wrap`, which every dumpxml-like command of virsh 9.0 takes. */
export const XPATH_OPTS: readonly OptDef[] = [
  { name: 'xpath', type: 'string', help: 'xpath expression to filter the XML document' },
  { name: 'wrap', type: 'bool', help: 'wrap xpath results in an common root element' },
];

type Hit = XmlElement | { attr: string; value: string } | { text: string };

/**
 * The XPath location paths tsvirsh evaluates: `/` and `//` steps over element names or `*`, ending
 * optionally in `@name` or `text()`. Anything else is refused as virsh refuses a bad expression.
 */
function evaluate(root: XmlElement, expr: string): Hit[] {
  const steps = /^(\/\/?[^/]+)+$/.test(expr) ? expr.match(/\/\/?[^/]+/g)! : undefined;
  if (!steps) throw new CommandFailed(`internal error: Incorrect xpath '${expr}'`);
  const descendants = (el: XmlElement): XmlElement[] => childElements(el).flatMap((c) => [c, ...descendants(c)]);
  let nodes: XmlElement[] = [{ kind: 'element', name: '#document', attrs: [], children: [root] }];
  for (const [i, step] of steps.entries()) {
    const deep = step.startsWith('//');
    const test = step.slice(deep ? 2 : 1);
    const pool = nodes.flatMap((n) => (deep ? [n, ...descendants(n)] : [n]));
    const last = i === steps.length - 1;
    if (last && test.startsWith('@')) {
      return pool.flatMap((n) => (attr(n, test.slice(1)) === undefined ? [] : [{ attr: test.slice(1), value: attr(n, test.slice(1))! }]));
    }
    if (last && test === 'text()') return pool.flatMap((n) => n.children.flatMap((c) => (c.kind === 'text' ? [{ text: c.text }] : [])));
    if (!/^[\w.-]+$|^\*$/.test(test)) throw new CommandFailed(`internal error: Incorrect xpath '${expr}'`);
    nodes = pool.flatMap((n) => childElements(n).filter((c) => test === '*' || c.name === test));
  }
  return nodes;
}

/** Prints an object's XML, or with `--xpath` the nodes it selects (wrapped in `<nodes>` with `--wrap`). */
export function printXML(ctl: Ctl, cmd: ParsedCommand, xml: string): void {
  const expr = cmd.string('xpath');
  if (expr === undefined) {
    ctl.print(xml);
    return;
  }
  const hits = evaluate(parseXml(xml, 'xml'), expr);
  const show = (h: Hit, pad: string): string =>
    'kind' in h ? formatElement(h, pad) : 'attr' in h ? ` ${h.attr}="${escapeAttr(h.value)}"` : escapeText(h.text);
  if (!cmd.bool('wrap')) {
    ctl.print(hits.map((h) => `${show(h, '')}\n`).join(''));
    return;
  }
  const attrs = hits.filter((h): h is { attr: string; value: string } => 'attr' in h).map((h) => show(h, '')).join('');
  const inner = hits.filter((h) => !('attr' in h)).map((h) => show(h, '  '));
  ctl.print(inner.length ? `<nodes${attrs}>\n${inner.join('\n')}\n</nodes>\n` : `<nodes${attrs}/>\n`);
}
