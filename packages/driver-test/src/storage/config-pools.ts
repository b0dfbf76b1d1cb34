import { nodeConfigEntries, splitPoolVolumes, type NodeConfigEntry, type XmlElement } from '@tsvirt/conf';
import { setPoolDefaults } from './pool-object.js';
import { parsePoolXML, parseVolXML } from './storage-xml.js';
import type { TestPools } from './test-pools.js';

/** The pool libvirt's test driver starts `test:///default` with: running, persistent, empty. */
const DEFAULT_POOL_XML = `<pool type='dir'>
  <name>default-pool</name>
  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>
  <target>
    <path>/default-pool</path>
  </target>
</pool>
`;

/**
 * Adds a pool of a config as libvirt's test driver does: persistent and running, with the
 * `<volume>` children of its `<pool>` document. `resolve` reads an element given inline or through
 * `file=`; volumes listed beside a `<pool file=...>` reference are not read, as in libvirt.
 */
export function addConfigPool(pools: TestPools, xml: string, resolve: (entry: NodeConfigEntry) => string): void {
  const { pool, volumes } = splitPoolVolumes(xml);
  const obj = pools.add(parsePoolXML(pool), false);
  setPoolDefaults(obj.def);
  obj.persistent = true;
  obj.active = true;
  for (const entry of volumes) {
    const def = parseVolXML(resolve(entry), obj.def);
    pools.checkNewVolume(obj, def.name);
    pools.addVolume(obj, def);
  }
}

/** The default pool's document lists no volumes, inline or in files. */
const inlineOnly = (entry: NodeConfigEntry): string => ('xml' in entry ? entry.xml : entry.file);

/** Gives `test:///default` its pool. */
export function addDefaultPool(pools: TestPools): void {
  addConfigPool(pools, DEFAULT_POOL_XML, inlineOnly);
}

/** Adds every `<pool>` of a `<node>` config. */
export function loadConfigPools(pools: TestPools, node: XmlElement, resolve: (entry: NodeConfigEntry) => string): void {
  for (const entry of nodeConfigEntries(node, 'pool')) addConfigPool(pools, resolve(entry), resolve);
}
