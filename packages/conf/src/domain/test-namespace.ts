import { textOf, type XmlElement } from '../xml/xml-node.js';
import type { DomainDef } from './domain-def.js';

/** The URI of libvirt's test-driver namespace for domain XML in a custom config. */
export const TEST_DOMAIN_NAMESPACE = 'http://libvirt.org/schemas/domain/test/1.0';

/** The `test:` elements of a config's domain (libvirt's testDomainNamespaceDef), as written. */
export interface TestDomainNamespace {
  /** The text of `<test:runstate>`, trimmed; undefined without one. */
  readonly runstate?: string;
  readonly transient: boolean;
  readonly hasManagedSave: boolean;
  /** The `<test:domainsnapshot>` elements, for `snapshotFromElement`. */
  readonly snapshots: readonly XmlElement[];
}

/**
 * Takes the `test:` elements and their namespace declaration out of a definition (in place) and
 * returns what they say. An inline domain may rely on a declaration on `<node>`, which its own
 * text no longer carries: the prefix is then `test`.
 */
export function takeTestNamespace(def: DomainDef): TestDomainNamespace {
  const decl = def.rootAttrs.find(([k, v]) => k.startsWith('xmlns:') && v === TEST_DOMAIN_NAMESPACE);
  const prefix = decl ? `${decl[0].slice('xmlns:'.length)}:` : 'test:';
  const mine = def.other.filter((e) => e.name.startsWith(prefix));
  def.other = def.other.filter((e) => !mine.includes(e));
  def.rootAttrs = def.rootAttrs.filter((a) => a !== decl);
  const named = (n: string): XmlElement[] => mine.filter((e) => e.name === `${prefix}${n}`);
  const runEl = named('runstate')[0];
  return {
    ...(runEl ? { runstate: textOf(runEl).trim() } : {}),
    transient: named('transient').length > 0,
    hasManagedSave: named('hasmanagedsave').length > 0,
    snapshots: named('domainsnapshot'),
  };
}
