import { dirname, resolve } from 'node:path';
import { attr, childElements, firstChild, formatXml, parseXmlFile, readXmlFile, textOf, type XmlElement } from '@tsvirt/conf';
import type { NodeInfo } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { DEFAULT_NODE_INFO } from './default-config.js';
import { parseTestDomain } from './test-domain-defaults.js';
import { parseInterfaceXML, parseNetworkXML, parseNodeDeviceXML } from '@tsvirt/conf';
import { TestHost } from './test-host.js';
import { loadConfigDomain } from './domain/test-namespace.js';
import { loadConfigPools } from './storage/config-pools.js';

/** An element given inline or through `file=` relative to the config file. */
function resolveChild(el: XmlElement, baseDir: string): string {
  const file = attr(el, 'file');
  return file === undefined ? formatXml(el) : readXmlFile(resolve(baseDir, file), ErrorDomain.TEST);
}

function number(el: XmlElement | undefined, fallback: number): number {
  if (!el) return fallback;
  const n = Number(textOf(el).trim());
  return Number.isFinite(n) && n > 0 ? n : fallback;
}

function nodeInfoOf(node: XmlElement): NodeInfo {
  const cpu = firstChild(node, 'cpu');
  const get = (name: string, d: number): number => number(cpu && firstChild(cpu, name), d);
  const nodes = get('nodes', DEFAULT_NODE_INFO.nodes);
  const sockets = get('sockets', DEFAULT_NODE_INFO.sockets);
  const cores = get('cores', DEFAULT_NODE_INFO.cores);
  const threads = get('threads', DEFAULT_NODE_INFO.threads);
  const model = cpu && firstChild(cpu, 'model');
  return {
    model: model ? textOf(model).trim() : DEFAULT_NODE_INFO.model,
    memory: number(firstChild(node, 'memory'), DEFAULT_NODE_INFO.memory),
    cpus: get('active', nodes * sockets * cores * threads),
    mhz: get('mhz', DEFAULT_NODE_INFO.mhz),
    nodes,
    sockets,
    cores,
    threads,
  };
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
  const host = new TestHost(nodeInfoOf(node));
  const baseDir = dirname(path);
  for (const el of childElements(node, 'domain')) {
    loadConfigDomain(host, parseTestDomain(resolveChild(el, baseDir)));
  }
  for (const el of childElements(node, 'network')) host.networks.load(parseNetworkXML(resolveChild(el, baseDir)));
  loadConfigPools(host.pools, node, (el) => resolveChild(el, baseDir));
  for (const el of childElements(node, 'interface')) host.interfaces.load(parseInterfaceXML(resolveChild(el, baseDir)));
  for (const el of childElements(node, 'device')) host.nodeDevices.list.push(parseNodeDeviceXML(resolveChild(el, baseDir)));
  return host;
}
