import { attrIndex, element, textNode, type XmlElement, type XmlNode } from './xml-node.js';

/**
 * A copy of `base` (or a new `name` element) with the given attributes set, or removed where the
 * value is undefined. Attributes already present keep their place; new ones go last, and the
 * canonical formatter puts them in libvirt's order. Children are kept unless `text` or `children`
 * replaces them.
 */
export function patchElement(
  base: XmlElement | undefined,
  name: string,
  attrs: Record<string, string | undefined>,
  text?: string,
  children?: XmlNode[],
): XmlElement {
  const out = base ? base.attrs.slice() : [];
  for (const k in attrs) {
    const v = attrs[k];
    let i = 0;
    while (i < out.length && out[i]![0] !== k) i++;
    if (i === out.length) i = -1;
    if (v === undefined) {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = [k, v];
    else out.push([k, v]);
  }
  const kids = children ?? (text !== undefined ? [textNode(text)] : base ? base.children.slice() : []);
  return element(name, out, kids);
}

/** Sets (or, with undefined, removes) one attribute in place, keeping the position of an existing one. */
export function setAttr(el: XmlElement, name: string, value: string | undefined): void {
  const i = attrIndex(el, name);
  if (value === undefined) {
    if (i >= 0) el.attrs.splice(i, 1);
  } else if (i >= 0) el.attrs[i] = [name, value];
  else el.attrs.push([name, value]);
}

/** A deep copy of an element, so edits to it leave the original alone. */
export function cloneElement(el: XmlElement): XmlElement {
  const attrs: Array<[string, string]> = [];
  for (let i = 0; i < el.attrs.length; i++) {
    const a = el.attrs[i]!;
    attrs.push([a[0], a[1]]);
  }
  const children: XmlNode[] = [];
  for (let i = 0; i < el.children.length; i++) {
    const c = el.children[i]!;
    children.push(c.kind === 'element' ? cloneElement(c) : { kind: c.kind, text: c.text } as XmlNode);
  }
  return { kind: 'element', name: el.name, attrs, children };
}
