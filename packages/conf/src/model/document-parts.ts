import type { XmlElement } from '../xml/xml-node.js';
import { cloneElement } from '../xml/xml-edit.js';
import type { Model, Shape, Typed } from './binding.js';

/** A table of typed models of a document's top-level parts, by element name. */
export type PartModels = Readonly<Record<string, Model<Shape>>>;
type ShapeOf<M> = M extends Model<infer S> ? S : never;
/** The typed object of the part `K` of a table of models. */
export type PartOf<T extends PartModels, K extends keyof T> = Typed<ShapeOf<T[K]>>;

/** Every `kind` child of `root`, typed, in document order. */
export function readParts<T extends PartModels, K extends keyof T & string>(models: T, root: XmlElement, kind: K): Array<PartOf<T, K>> {
  const model = models[kind]!;
  const out: Array<PartOf<T, K>> = [];
  for (const c of root.children) if (c.kind === 'element' && c.name === kind) out.push(model.parse(c) as PartOf<T, K>);
  return out;
}

/**
 * A copy of `root` whose `kind` children are `values`, each written over the element it was read
 * from; they take the place of the first old one (or go last), and an empty list removes them.
 */
export function writeParts<T extends PartModels, K extends keyof T & string>(models: T, root: XmlElement, kind: K, values: ReadonlyArray<PartOf<T, K>>): XmlElement {
  const model = models[kind]!;
  const out = cloneElement(root);
  const first = out.children.findIndex((c) => c.kind === 'element' && c.name === kind);
  const kept = out.children.filter((c) => c.kind !== 'element' || c.name !== kind);
  const at = first < 0 ? kept.length : out.children.slice(0, first).filter((c) => c.kind !== 'element' || c.name !== kind).length;
  kept.splice(at, 0, ...values.map((v) => model.format(v as Typed<Shape>)));
  out.children = kept;
  return out;
}
