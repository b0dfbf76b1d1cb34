import type { XmlElement, XmlNode } from './xml-node.js';

/** Escapes attribute and text content as libvirt's formatter does. */
export function escapeXml(s: string): string {
  return s.replace(/[&<>'"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&apos;', '"': '&quot;' })[c]!);
}

function isBlank(n: XmlNode): boolean {
  return n.kind === 'text' && n.text.trim() === '';
}

/**
 * Formats an element tree in libvirt's layout: two-space indentation, single-quoted attributes,
 * `<x/>` for empty elements and text kept inline. Whitespace-only text between child elements is
 * layout, not content, and is regenerated.
 */
export function formatXml(el: XmlElement, indent = 0): string {
  const pad = ' '.repeat(indent);
  const attrs = el.attrs.map(([k, v]) => ` ${k}='${escapeXml(v)}'`).join('');
  const children = el.children.filter((c) => !isBlank(c));
  if (children.length === 0) return `${pad}<${el.name}${attrs}/>\n`;
  if (children.every((c) => c.kind === 'text')) {
    return `${pad}<${el.name}${attrs}>${escapeXml(children.map((c) => (c as { text: string }).text).join(''))}</${el.name}>\n`;
  }
  let body = '';
  for (const c of children) {
    if (c.kind === 'element') body += formatXml(c, indent + 2);
    else if (c.kind === 'comment') body += `${pad}  <!--${c.text}-->\n`;
    else body += `${pad}  ${escapeXml(c.text.trim())}\n`;
  }
  return `${pad}<${el.name}${attrs}>\n${body}${pad}</${el.name}>\n`;
}
