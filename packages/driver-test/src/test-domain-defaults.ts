import { attr, element, firstChild, parseDomainXML, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { TEST_ARCH } from './default-config.js';

/** libvirt's test driver gives up naming interfaces after testnet1023. */
export const MAX_TEST_IFACES = 1024;

/** Host-side names libvirt generates itself: an inactive definition forgets them (virDomainNetDefParseXML). */
const GENERATED_PREFIXES = ['vnet', 'macvtap', 'macvlan'];

/** A generated host-side name is dropped, as libvirt drops it when it parses an inactive definition. */
function dropGeneratedTarget(iface: XmlElement): void {
  const target = firstChild(iface, 'target');
  const dev = target && attr(target, 'dev');
  if (dev !== undefined && GENERATED_PREFIXES.some((p) => dev.startsWith(p))) {
    iface.children.splice(iface.children.indexOf(target!), 1);
  }
}

/**
 * Gives every interface without a host-side name the lowest `testnetN` no interface uses yet. Names
 * only get taken, so the lowest free number never goes down: one pass over the numbers in all.
 */
function nameInterfaces(ifaces: readonly XmlElement[]): void {
  const taken = new Set(ifaces.map((i) => firstChild(i, 'target')).map((t) => t && attr(t, 'dev')));
  let n = 0;
  for (const iface of ifaces) {
    if (firstChild(iface, 'target')) continue;
    while (n < MAX_TEST_IFACES && taken.has(`testnet${n}`)) n++;
    if (n === MAX_TEST_IFACES) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `Exceeded max iface limit ${MAX_TEST_IFACES}`, ErrorDomain.TEST);
    }
    taken.add(`testnet${n}`);
    // libvirt places <target> after <mac> and <source>.
    const before = iface.children.findLastIndex((c) => c.kind === 'element' && (c.name === 'mac' || c.name === 'source'));
    iface.children.splice(before + 1, 0, element('target', [['dev', `testnet${n}`]]));
  }
}

/**
 * Parses a domain as libvirt's test driver does, for a definition, a start from XML and a domain
 * of a custom config alike: with its architecture as the default and its interfaces named.
 */
export function parseTestDomain(xml: string): DomainDef {
  const def = parseDomainXML(xml, { arch: TEST_ARCH });
  const ifaces = def.devices.filter((d) => d.name === 'interface');
  ifaces.forEach(dropGeneratedTarget);
  nameInterfaces(ifaces);
  return def;
}
