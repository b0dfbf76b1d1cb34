import { applyGenericPostParse, devicesOf, parseDomainXML, replaceDevices, type DeviceOf, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { TEST_ARCH } from './default-config.js';

/** libvirt's test driver gives up naming interfaces after testnet1023. */
export const MAX_TEST_IFACES = 1024;

/** Host-side names libvirt generates itself: an inactive definition forgets them (virDomainNetDefParseXML). */
const GENERATED_PREFIXES = ['vnet', 'macvtap', 'macvlan'];

type Iface = DeviceOf<'interface'>;

/** The interface without a generated host-side name, as libvirt's inactive parse leaves it. */
function withoutGeneratedName(iface: Iface): Iface {
  const dev = iface.target?.dev;
  if (dev === undefined || !GENERATED_PREFIXES.some((p) => dev.startsWith(p))) return iface;
  return { ...iface, target: iface.target?.managed === undefined ? undefined : { managed: iface.target.managed } };
}

/**
 * Gives every interface without a host-side name the lowest `testnetN` no interface uses yet. Names
 * only get taken, so the lowest free number never goes down: one pass over the numbers in all.
 */
function nameInterfaces(ifaces: readonly Iface[]): Iface[] {
  const taken = new Set(ifaces.map((i) => i.target?.dev));
  let n = 0;
  return ifaces.map((iface) => {
    if (iface.target?.dev !== undefined) return iface;
    while (n < MAX_TEST_IFACES && taken.has(`testnet${n}`)) n++;
    if (n === MAX_TEST_IFACES) {
      throw new VirError(ErrorCode.INTERNAL_ERROR, `Exceeded max iface limit ${MAX_TEST_IFACES}`, ErrorDomain.TEST);
    }
    taken.add(`testnet${n}`);
    return { ...iface, target: { ...iface.target, dev: `testnet${n}` } };
  });
}

/**
 * Parses a domain as libvirt's test driver does, for a definition, a start from XML and a domain
 * of a custom config alike: with its architecture as the default and its interfaces named. The
 * devices are rewritten in one pass, so thousands of interfaces cost no more than their number.
 */
export function parseTestDomain(xml: string): DomainDef {
  const def = applyGenericPostParse(parseDomainXML(xml, { arch: TEST_ARCH }));
  const read = devicesOf(def, 'interface');
  const named = nameInterfaces(read.map(withoutGeneratedName));
  return replaceDevices(def, named.flatMap((iface, i) => (iface === read[i] ? [] : [[read[i]!, iface] as const])));
}
