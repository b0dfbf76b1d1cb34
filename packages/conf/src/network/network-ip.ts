import { isIPv4, isIPv6 } from './ip-syntax.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { attr, type XmlElement } from '../xml/xml-node.js';
import { setAttr } from '../xml/xml-edit.js';
import { xmlError } from '../xml/xml-errors.js';
import { uint } from '../model/codec.js';

const D = ErrorDomain.NETWORK;
const unsupported = (detail: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, detail, D);
const isAddress = (s: string): boolean => isIPv4(s) || isIPv6(s);

/**
 * One `<ip>` of a network, checked as libvirt's network conf reads it: an address is required and
 * must parse, a netmask and a prefix exclude each other, and both must fit the family (IPv4 by
 * default). A zero prefix is no prefix, and libvirt does not print it.
 */
export function checkNetworkIp(ip: XmlElement, network: string): void {
  const family = attr(ip, 'family');
  const address = attr(ip, 'address');
  const netmask = attr(ip, 'netmask');
  const rawPrefix = attr(ip, 'prefix');
  const prefix = rawPrefix === undefined ? 0 : uint.decode(rawPrefix, { attr: 'prefix', element: 'ip' });
  setAttr(ip, 'prefix', prefix === 0 ? undefined : String(prefix));
  if (address === undefined) throw xmlError(`Missing required address attribute in network '${network}'`, D);
  if (!isAddress(address)) throw xmlError(`Invalid address '${address}' in network '${network}'`, D);
  if (netmask !== undefined) {
    if (!isAddress(netmask)) throw xmlError(`Invalid netmask '${netmask}' in network '${network}'`, D);
    if (prefix > 0) throw unsupported(`Network '${network}' IP address cannot have both a prefix and a netmask`);
  }
  if (family === undefined || family === 'ipv4') {
    if (!isIPv4(address)) throw unsupported(`${family ?? 'no'} family specified for non-IPv4 address '${address}' in network '${network}'`);
    if (netmask !== undefined && !isIPv4(netmask)) {
      throw unsupported(`Invalid netmask '${netmask}' for address '${address}' in network '${network}' (both must be IPv4)`);
    }
    if (prefix > 32) throw unsupported(`Invalid IPv4 prefix '${prefix}' in network '${network}'`);
  } else if (family === 'ipv6') {
    if (!isIPv6(address)) throw unsupported(`Family 'ipv6' specified for non-IPv6 address '${address}' in network '${network}'`);
    if (netmask !== undefined) throw unsupported(`netmask not allowed for IPv6 address '${address}' in network '${network}'`);
    if (prefix > 128) throw unsupported(`Invalid IPv6 prefix '${prefix}' in network '${network}'`);
  } else {
    throw xmlError(`Unrecognized family '${family}' in network '${network}'`, D);
  }
}
