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

export function attr(el: XmlElement, name: string): string | undefined {
  return el.attrs.find(([n]) => n === name)?.[1];
}

export function childElements(el: XmlElement, name?: string): XmlElement[] {
  return el.children.filter((c): c is XmlElement => c.kind === 'element' && (name === undefined || c.name === name));
}

export function firstChild(el: XmlElement, name: string): XmlElement | undefined {
  return el.children.find((c): c is XmlElement => c.kind === 'element' && c.name === name);
}

/** The concatenated text content of an element's direct text children. */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (c.kind === 'text' ? c.text : '')).join('');
}
