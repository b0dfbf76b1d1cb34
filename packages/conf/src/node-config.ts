import { ErrorDomain } from '@tsvirt/util';
import { parseXml } from './xml/xml-parse.js';
import { childElements, type XmlElement } from './xml/xml-node.js';
import { xmlError } from './xml/xml-errors.js';
import { formatXml } from './xml/xml-format.js';
import { DOMAIN_SPEC } from './schema/domain-spec.js';
import { NETWORK_SPEC } from './schema/network-spec.js';
import { POOL_SPEC } from './schema/storage-spec.js';
import type { ElementSpec } from './schema/element-spec.js';

const NODE_SPEC: ElementSpec = { children: { domain: DOMAIN_SPEC, network: NETWORK_SPEC, pool: POOL_SPEC } };

/** The test driver's `<node>` config: a fake host with its domains, networks and pools inline. */
export interface NodeConfig {
  domains: XmlElement[];
  networks: XmlElement[];
  pools: XmlElement[];
  xml: XmlElement;
}

/** Parses a test driver `<node>` file. */
export function parseNodeConfigXML(xml: string): NodeConfig {
  const root = parseXml(xml, 'node', ErrorDomain.TEST);
  if (root.name !== 'node') throw xmlError(`expecting root element of 'node', not '${root.name}'`, ErrorDomain.TEST);
  return { domains: childElements(root, 'domain'), networks: childElements(root, 'network'), pools: childElements(root, 'pool'), xml: root };
}

/** Formats a `<node>` config, each embedded object in its own canonical layout. */
export function formatNodeConfigXML(node: NodeConfig): string {
  return formatXml(node.xml, 0, NODE_SPEC);
}
