import type { XmlElement, XmlNode } from '../xml/xml-node.js';

/** Where a typed field is written: one attribute, or the child elements of one name. */
export interface XmlPlace {
  readonly attr?: string;
  readonly child?: string;
}

/** What an element held before a typed value was written over it. */
export interface ElementSnapshot {
  readonly attrs: ReadonlySet<string>;
  readonly children: ReadonlySet<XmlNode>;
}

export function snapshotOf(el: XmlElement): ElementSnapshot {
  return { attrs: new Set(el.attrs.map(([n]) => n)), children: new Set(el.children) };
}

/**
 * Moves each item the write added before the first item that was already there and comes later
 * in the shape; items the shape does not name (and text) keep their places and bound nothing.
 */
function placeNew<T>(items: T[], isNew: (t: T) => boolean, rank: (t: T) => number | undefined): T[] {
  const out = items.filter((t) => !isNew(t));
  for (const t of items.filter(isNew)) {
    const r = rank(t);
    const at = r === undefined ? -1 : out.findIndex((o) => !isNew(o) && (rank(o) ?? -1) > r);
    if (at < 0) out.push(t);
    else out.splice(at, 0, t);
  }
  return out;
}

/** Puts the attributes and child elements a write added to `el` where the shape's order puts them. */
export function placeNewInShapeOrder(shape: Readonly<Record<string, { readonly writes?: XmlPlace }>>, el: XmlElement, before: ElementSnapshot): void {
  const attrRank = new Map<string, number>();
  const childRank = new Map<string, number>();
  Object.values(shape).forEach((b, i) => {
    if (b.writes?.attr !== undefined && !attrRank.has(b.writes.attr)) attrRank.set(b.writes.attr, i);
    if (b.writes?.child !== undefined && !childRank.has(b.writes.child)) childRank.set(b.writes.child, i);
  });
  el.attrs = placeNew(el.attrs, ([n]) => !before.attrs.has(n), ([n]) => attrRank.get(n));
  el.children = placeNew(el.children, (c) => !before.children.has(c), (c) => (c.kind === 'element' ? childRank.get(c.name) : undefined));
}
