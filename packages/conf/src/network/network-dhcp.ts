import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, childElements, firstChild, type XmlElement } from '../xml/xml-node.js';
import { xmlError } from '../xml/xml-errors.js';
import { classfulPrefix, inSubnet, netmaskPrefix, parseIP, prefixMask, type IPValue } from './ip-address.js';

const D = ErrorDomain.NETWORK;
const internal = (msg: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, msg, D);
const MAC = /^[0-9a-f]{1,2}(:[0-9a-f]{1,2}){5}$/i;

function prefixOf(ip: XmlElement, address: IPValue): number {
  const prefix = attr(ip, 'prefix');
  if (prefix !== undefined) return Number(prefix);
  const mask = attr(ip, 'netmask');
  const m = mask === undefined ? undefined : parseIP(mask);
  if (m) return netmaskPrefix(m) ?? 0;
  return address.bits === 32 ? classfulPrefix(address) : 64;
}

/** A DHCP range must lie inside its subnet, in order, and (IPv4) avoid the network and broadcast addresses. */
function checkRange(range: XmlElement, ip: XmlElement, net: IPValue, prefix: number): void {
  const startStr = attr(range, 'start') ?? '';
  const endStr = attr(range, 'end') ?? '';
  const start = parseIP(startStr);
  const end = parseIP(endStr);
  if (!start) throw xmlError(`Invalid dhcp range start address '${startStr}'`, D);
  if (!end) throw xmlError(`Invalid dhcp range end address '${endStr}'`, D);
  const netStr = attr(ip, 'address') ?? '';
  const span = `${startStr} - ${endStr}`;
  if (start.bits !== end.bits) throw internal(`mismatch of address family in range ${span}`);
  if (start.bits !== net.bits) throw internal(`mismatch of address family in range ${span} for network ${netStr}`);
  if (!inSubnet(start, net, prefix) || !inSubnet(end, net, prefix)) throw internal(`range ${span} is not entirely within network ${netStr}/${prefix}`);
  if (net.bits === 32) {
    const mask = prefixMask(32, prefix);
    if (start.value === (net.value & mask)) throw internal(`start of range ${span} in network ${netStr}/${prefix} is the network address`);
    if (end.value === ((net.value & mask) | (~mask & 0xffffffffn))) {
      throw internal(`end of range ${span} in network ${netStr}/${prefix} is the broadcast address`);
    }
  }
  // libvirt counts at most 65535 addresses.
  if (end.value - start.value > 65535n) throw internal(`range ${span} is too large (> 65535)`);
  if (end.value < start.value) throw internal(`range ${span} is reversed `);
}

/** A static host's MAC must parse and be unicast. */
function checkHost(host: XmlElement, network: string): void {
  const mac = attr(host, 'mac');
  if (mac === undefined) return;
  if (!MAC.test(mac)) throw xmlError(`Cannot parse MAC address '${mac}' in network '${network}'`, D);
  if (parseInt(mac.split(':')[0]!, 16) & 1) throw xmlError(`expected unicast mac address, found multicast '${mac}' in network '${network}'`, D);
}

/** Checks the `<dhcp>` of one `<ip>` as libvirt's network conf parses it: ranges, then hosts, in document order. */
export function checkNetworkDHCP(ip: XmlElement, network: string): void {
  const dhcp = firstChild(ip, 'dhcp');
  const net = parseIP(attr(ip, 'address') ?? '');
  if (!dhcp || !net) return;
  const prefix = prefixOf(ip, net);
  for (const el of childElements(dhcp)) {
    if (el.name === 'range') checkRange(el, ip, net, prefix);
    else if (el.name === 'host') checkHost(el, network);
  }
}

/** The bridge's MAC address must parse and be unicast. */
export function checkNetworkMac(mac: string | undefined, network: string): void {
  if (mac === undefined) return;
  if (!MAC.test(mac)) throw xmlError(`Invalid bridge mac address '${mac}' in network '${network}'`, D);
  if (parseInt(mac.split(':')[0]!, 16) & 1) throw xmlError(`Invalid multicast bridge mac address '${mac}' in network '${network}'`, D);
}
