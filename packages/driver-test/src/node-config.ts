import { dirname, isAbsolute } from 'node:path';
import { formatXml, nodeConfigEntries, parseXmlFile, type NodeConfigEntry } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { nodeFactsOf } from './host/node-facts.js';
import { parseTestDomain } from './test-domain-defaults.js';
import { parseInterfaceXML, parseNetworkXML, parseNodeDeviceXML } from '@tsvirt/conf';
import { TestHost } from './test-host.js';
import { loadConfigDomain } from './domain/test-namespace.js';
import { loadConfigPools } from './storage/config-pools.js';

/**
 * An element given inline or through `file=`, which libvirt reads relative to the config's
 * directory by joining the two with a '/' (no normalizing), and parses with the file's name in its errors.
 */
function resolveChild(entry: NodeConfigEntry, baseDir: string): string {
  if ('xml' in entry) return entry.xml;
  return formatXml(parseXmlFile(isAbsolute(entry.file) ? entry.file : `${baseDir}/${entry.file}`, ErrorDomain.TEST));
}

/**
 * Loads a custom test-driver config (`test:///ABS/PATH.xml`): a `<node>` document whose domains
 * are inline or in files beside it, with the `test:` extensions of domain-config (domain/test-namespace.ts).
 */
export function loadNodeConfig(path: string): TestHost {
  const node = parseXmlFile(path, ErrorDomain.TEST);
  if (node.name !== 'node') {
    throw new VirError(ErrorCode.XML_ERROR, `expecting root element of 'node', not '${node.name}'`, ErrorDomain.XML);
  }
  const host = new TestHost(nodeFactsOf(node));
  const baseDir = dirname(path);
  for (const entry of nodeConfigEntries(node, 'domain')) {
    loadConfigDomain(host, parseTestDomain(resolveChild(entry, baseDir)));
  }
  for (const entry of nodeConfigEntries(node, 'network')) host.networks.load(parseNetworkXML(resolveChild(entry, baseDir)));
  loadConfigPools(host.pools, node, (entry) => resolveChild(entry, baseDir));
  for (const entry of nodeConfigEntries(node, 'interface')) host.interfaces.load(parseInterfaceXML(resolveChild(entry, baseDir)));
  for (const entry of nodeConfigEntries(node, 'device')) host.nodeDevices.list.push(parseNodeDeviceXML(resolveChild(entry, baseDir)));
  return host;
}
