import { formatXml } from '../xml/xml-format.js';
import { element } from '../xml/xml-node.js';
import { POOL_PART_MODELS, type PoolPart } from './storage-parts.js';

/** The `<sources>` document of a source discovery (virConnectFindStoragePoolSources): each as a pool's `<source>`. */
export function formatPoolSourcesXML(sources: ReadonlyArray<PoolPart<'source'>>): string {
  return formatXml(element('sources', [], sources.map((s) => POOL_PART_MODELS.source.format(s))));
}
