import type { XmlElement, XmlNode } from '@tsvirt/conf';
import type { OptDef } from './vsh/command-def.js';
import type { Ctl } from './vsh/ctl.js';
import type { ParsedCommand } from './vsh/parsed-command.js';

// libxml2's xmlEscapeEntities and xmlBufAttrSerializeTxtContent, as xmlNodeDump uses them.
const TEXT_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\r': '&#13;' };
const ATTR_ESCAPES: Record<string, string> = { ...TEXT_ESCAPES, '"': '&quot;', '\n': '&#10;', '\t': '&#9;' };
export const escapeText = (s: string): string => s.replace(/[&<>\r]/g, (c) => TEXT_ESCAPES[c]!);
export const escapeAttr = (s: string): string => s.replace(/[&<>"\r\n\t]/g, (c) => ATTR_ESCAPES[c]!);
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

/** `--xpath` and `--wrap`, which every dumpxml-like command of virsh 9.0 takes. */
export const XPATH_OPTS: readonly OptDef[] = [
  { name: 'xpath', type: 'string', namedOnly: true, help: 'xpath expression to filter the XML document' },
  { name: 'wrap', type: 'bool', help: 'wrap xpath results in an common root element' },
];

/** Prints an object's XML, or with `--xpath` the nodes it selects (wrapped in `<nodes>` with `--wrap`). */
export async function printXML(ctl: Ctl, cmd: ParsedCommand, xml: string): Promise<void> {
  const expr = cmd.string('xpath');
  if (expr === undefined) {
    ctl.print(xml);
    return;
  }
  // The XPath engine is loaded only by the commands that ask for it.
  const { loadXPath, selectXML } = await import('./xpath-select.js');
  const out = selectXML(await loadXPath(), xml, expr, cmd.bool('wrap'));
  ctl.rawError(out.stderr);
  ctl.print(out.stdout);
}
