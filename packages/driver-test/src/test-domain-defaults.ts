import { attr, element, firstChild, parseDomainXML, type DomainDef } from '@tsvirt/conf';
import { TEST_ARCH } from './default-config.js';

/**
 * Parses a domain as libvirt's test driver does: with its architecture as the default, and for
 * every interface without a host-side name the lowest `testnetN` no interface uses yet.
 */
export function parseTestDomain(xml: string): DomainDef {
  const def = parseDomainXML(xml, { arch: TEST_ARCH });
  const ifaces = def.devices.filter((d) => d.name === 'interface');
  const taken = new Set(ifaces.map((i) => firstChild(i, 'target')).map((t) => t && attr(t, 'dev')));
  for (const iface of ifaces) {
    if (firstChild(iface, 'target')) continue;
    let n = 0;
    while (taken.has(`testnet${n}`)) n++;
    taken.add(`testnet${n}`);
    // libvirt places <target> after <mac> and <source>.
    const before = iface.children.findLastIndex((c) => c.kind === 'element' && (c.name === 'mac' || c.name === 'source'));
    iface.children.splice(before + 1, 0, element('target', [['dev', `testnet${n}`]]));
  }
  return def;
}
