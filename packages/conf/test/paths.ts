import { parseXml, type XmlElement } from '../src/index.js';

/** Every element path and attribute path (`a/b/@c`) of a document, as a set. */
export function pathsOf(xml: string): Set<string> {
  const out = new Set<string>();
  const walk = (el: XmlElement, prefix: string): void => {
    const p = `${prefix}/${el.name}`;
    out.add(p);
    for (const [k] of el.attrs) out.add(`${p}/@${k}`);
    for (const c of el.children) if (c.kind === 'element') walk(c, p);
  };
  walk(parseXml(xml), '');
  return out;
}
