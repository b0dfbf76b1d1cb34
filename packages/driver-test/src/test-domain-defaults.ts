import { element, firstChild, parseDomainXML, type DomainDef } from '@tsvirt/conf';
import { TEST_ARCH } from './default-config.js';

/**
 * Parses a domain as libvirt's test driver does: with its architecture as the default, and a
 * host-side name `testnetN` (N the interface's position) for every interface that has none.
 */
export function parseTestDomain(xml: string): DomainDef {
  const def = parseDomainXML(xml, { arch: TEST_ARCH });
  def.devices
    .filter((d) => d.name === 'interface')
    .forEach((iface, n) => {
      if (firstChild(iface, 'target')) return;
      // libvirt places <target> after <mac> and <source>.
      const before = iface.children.findLastIndex((c) => c.kind === 'element' && (c.name === 'mac' || c.name === 'source'));
      iface.children.splice(before + 1, 0, element('target', [['dev', `testnet${n}`]]));
    });
  return def;
}
