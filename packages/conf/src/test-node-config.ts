import { attr, childElements, firstChild, textOf, type XmlElement } from './xml/xml-node.js';
import { parseXml } from './xml/xml-parse.js';
import { formatXml } from './xml/xml-format.js';

/** One object of a test-driver `<node>` config: inline, or in a file named relative to the config (`file=`). */
export type NodeConfigEntry = { readonly file: string } | { readonly xml: string };

/** The kinds of objects a `<node>` config holds. */
export type NodeConfigKind = 'domain' | 'network' | 'pool' | 'interface' | 'device' | 'volume';

const entryOf = (el: XmlElement): NodeConfigEntry => {
  const file = attr(el, 'file');
  return file === undefined ? { xml: formatXml(el) } : { file };
};

/** The `kind` objects of a `<node>` config (or of a `<pool>` document, for `volume`), in document order. */
export function nodeConfigEntries(node: XmlElement, kind: NodeConfigKind): NodeConfigEntry[] {
  return childElements(node, kind).map(entryOf);
}

/** A pool document of a config split into the pool alone and the `<volume>`s listed in it. */
export function splitPoolVolumes(xml: string): { pool: string; volumes: NodeConfigEntry[] } {
  const root = parseXml(xml, 'storage_pool_definition');
  const volumes = nodeConfigEntries(root, 'volume');
  const pool = formatXml({ ...root, children: root.children.filter((c) => c.kind !== 'element' || c.name !== 'volume') });
  return { pool, volumes };
}

/** The host facts of a `<node>` config as written (untrimmed text of the first element of each name). */
export interface NodeConfigFacts {
  readonly cpu: Readonly<Partial<Record<'nodes' | 'sockets' | 'cores' | 'threads' | 'active' | 'mhz' | 'model', string>>>;
  readonly memory?: string;
}

const CPU_FACTS = ['nodes', 'sockets', 'cores', 'threads', 'active', 'mhz', 'model'] as const;

const textIn = (el: XmlElement | undefined, name: string): string | undefined => {
  const c = el && firstChild(el, name);
  return c && textOf(c);
};

/** What `<node><cpu>` and `<node><memory>` say, for the test driver to check as libvirt reads them. */
export function nodeConfigFacts(node: XmlElement): NodeConfigFacts {
  const cpu = firstChild(node, 'cpu');
  const facts: Partial<Record<(typeof CPU_FACTS)[number], string>> = {};
  for (const name of CPU_FACTS) {
    const text = textIn(cpu, name);
    if (text !== undefined) facts[name] = text;
  }
  const memory = textIn(node, 'memory');
  return { cpu: facts, ...(memory !== undefined ? { memory } : {}) };
}
