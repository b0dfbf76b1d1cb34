import { firstChild } from '../xml/xml-node.js';
import type { Model, Shape, Typed } from '../model/binding.js';
import { DOMAIN_PART_MODELS } from './parts/index.js';
import { domainElement } from './domain-format.js';
import { domainFromElement, type DomainParseDefaults } from './domain-parse.js';
import type { DomainDef } from './domain-def.js';

export type DomainPartKind = keyof typeof DOMAIN_PART_MODELS;
type ShapeOf<M> = M extends Model<infer S> ? S : never;
/** The typed object of one top-level part of a domain. */
export type DomainPart<K extends DomainPartKind> = Typed<ShapeOf<(typeof DOMAIN_PART_MODELS)[K]>>;

const modelOf = (kind: DomainPartKind): Model<Shape> => DOMAIN_PART_MODELS[kind] as Model<Shape>;

/** The typed view of a top-level part (`cpu`, `os`, `clock`, ...) as the domain formats it; undefined when absent. */
export function domainPart<K extends DomainPartKind>(def: DomainDef, kind: K): DomainPart<K> | undefined {
  const el = firstChild(domainElement(def, { inactive: true }), kind);
  return el && (modelOf(kind).parse(el) as DomainPart<K>);
}

/** A copy of the domain with one top-level part replaced by a typed value (or removed with undefined). */
export function withDomainPart<K extends DomainPartKind>(def: DomainDef, kind: K, value: DomainPart<K> | undefined, defaults: DomainParseDefaults = {}): DomainDef {
  const root = domainElement(def, { inactive: true });
  const at = root.children.findIndex((c) => c.kind === 'element' && c.name === kind);
  const replacement = value === undefined ? [] : [modelOf(kind).format(value as Typed<Shape>)];
  if (at < 0) root.children.push(...replacement);
  else root.children.splice(at, 1, ...replacement);
  return domainFromElement(root, defaults);
}
