import { element, firstChild, type XmlElement } from '../xml/xml-node.js';
import type { Model, Shape, Typed } from '../model/binding.js';
import { DOMAIN_PART_MODELS } from './parts/index.js';
import { memtuneUnits } from './memtune-units.js';
import type { DomainPart, DomainPartKind } from './domain-typed.js';
import type { DomainDef } from './domain-def.js';

/** The parts a DomainDef keeps as elements in `other` (`os` and `clock` are typed fields of their own). */
export type OtherPartKind = Exclude<DomainPartKind, 'os' | 'clock'>;

/** What libvirt's parser makes of a part as it reads it, made again when a driver sets one. */
const NORMALISE: Partial<Record<OtherPartKind, (root: XmlElement) => void>> = { memtune: memtuneUnits };

const isEmpty = (el: XmlElement): boolean => el.attrs.length === 0 && el.children.length === 0;

/** The typed view of a part kept in `other`, read from its element alone (cheaper than `domainPart`). */
export function otherPart<K extends OtherPartKind>(def: DomainDef, kind: K): DomainPart<K> | undefined {
  const el = def.other.find((e) => e.name === kind);
  return el && ((DOMAIN_PART_MODELS[kind] as Model<Shape>).parse(el) as DomainPart<K>);
}

/**
 * Sets a part kept in `other` in place, for drivers that keep their definitions as mutable objects
 * (as libvirt's virDomainDef is): the value is written over the element it was read from, which
 * keeps its place; undefined removes the part. Unlike `withDomainPart`, nothing else is parsed again.
 */
export function setDomainPart<K extends OtherPartKind>(def: DomainDef, kind: K, value: DomainPart<K> | undefined): void {
  let el = value === undefined ? undefined : (DOMAIN_PART_MODELS[kind] as Model<Shape>).format(value as Typed<Shape>);
  // libvirt prints no empty part: one the value leaves empty goes, unless it was written empty.
  if (el && isEmpty(el) && !(value?.xml && isEmpty(value.xml))) el = undefined;
  const normalise = NORMALISE[kind];
  if (el && normalise) {
    const root = element('domain', [], [el]);
    normalise(root);
    el = firstChild(root, kind);
  }
  const other = [...def.other];
  const at = other.findIndex((e) => e.name === kind);
  if (at >= 0) other.splice(at, 1, ...(el ? [el] : []));
  else if (el) other.push(el);
  def.other = other;
}
