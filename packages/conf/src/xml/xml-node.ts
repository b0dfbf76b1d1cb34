/** One element of a parsed document, kept exactly as written so that nothing a user wrote is lost. */
export interface XmlElement {
  readonly kind: 'element';
  name: string;
  /** Attributes in document order. */
  attrs: Array<[name: string, value: string]>;
  children: XmlNode[];
}

export interface XmlText {
  readonly kind: 'text';
  text: string;
}

export interface XmlComment {
  readonly kind: 'comment';
  text: string;
}

export type XmlNode = XmlElement | XmlText | XmlComment;

export function element(name: string, attrs: Array<[string, string]> = [], children: XmlNode[] = []): XmlElement {
  return { kind: 'element', name, attrs, children };
}

export function textNode(text: string): XmlText {
  return { kind: 'text', text };
}

// The helpers below are called for every element of every document, mostly before V8 has optimised
// them (a CLI run, a driver's first calls): they use indexed loops, because `for...of`, array
// destructuring and callbacks allocate an iterator, a result per step or a closure per call in
// code V8 has not optimised.

export function attr(el: XmlElement, name: string): string | undefined {
  const attrs = el.attrs;
  for (let i = 0; i < attrs.length; i++) {
    const a = attrs[i]!;
    if (a[0] === name) return a[1];
  }
  return undefined;
}

/** The position of attribute `name` in `el.attrs`, or -1. */
export function attrIndex(el: XmlElement, name: string): number {
  const attrs = el.attrs;
  for (let i = 0; i < attrs.length; i++) if (attrs[i]![0] === name) return i;
  return -1;
}

export function childElements(el: XmlElement, name?: string): XmlElement[] {
  const out: XmlElement[] = [];
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === 'element' && (name === undefined || c.name === name)) out.push(c);
  }
  return out;
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === 'element' && c.name === name) return c;
  }
  return undefined;
}

/** The concatenated text content of an element's direct text children. */
export function textOf(el: XmlElement): string {
  let text = '';
  const children = el.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    if (c.kind === 'text') text += c.text;
  }
  return text;
}
