import { element, firstChild, type XmlElement } from '@tsvirt/conf';

/** Sets an attribute in place, keeping its position when it exists. */
export function setAttr(el: XmlElement, name: string, value: string): void {
  const at = el.attrs.find(([n]) => n === name);
  if (at) at[1] = value;
  else el.attrs.push([name, value]);
}

/** The child element `name`, created (empty, last) when missing. */
export function ensureChild(el: XmlElement, name: string): XmlElement {
  const found = firstChild(el, name);
  if (found) return found;
  const made = element(name);
  el.children.push(made);
  return made;
}

/** Removes every child element named `name`. */
export function removeChildren(el: XmlElement, name: string): void {
  el.children = el.children.filter((c) => c.kind !== 'element' || c.name !== name);
}
