import { attr, childElements, element, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import { parseLabelled } from '../xml/xml-parse.js';
import type { NetworkDef } from './network-def.js';
import { formatNetworkXML } from './network-format.js';
import { parseNetworkXML } from './network-parse.js';
import { NetworkUpdateCommand as C, NetworkUpdateSection as S } from './network-update-codes.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.NETWORK;
const invalid = (msg: string): VirError => new VirError(ErrorCode.OPERATION_INVALID, msg, D);
const xmlErr = (msg: string): VirError => new VirError(ErrorCode.XML_ERROR, msg, D);
const detail = (msg: string): VirError => new VirError(ErrorCode.XML_DETAIL, msg, D);
const unsupported = (msg: string): VirError => new VirError(ErrorCode.OPERATION_UNSUPPORTED, msg, D);

/** What one section's updater gets: the copy being changed, the element given, and the request. */
interface Update {
  readonly name: string;
  readonly root: XmlElement;
  readonly node: XmlElement;
  readonly command: number;
  readonly parentIndex: number;
}

const isAdd = (u: Update): boolean => u.command === C.ADD_FIRST || u.command === C.ADD_LAST;

function expectName(u: Update, want: string): void {
  if (u.node.name !== want) {
    throw xmlErr(`unexpected element <${u.node.name}>, expecting <${want}>, while updating network '${u.name}'`);
  }
}

/** Inserts `el` first or last among the `name` children of `parent` (or of the whole list when none exist yet). */
function insert(parent: XmlElement, el: XmlElement, first: boolean): void {
  const same = parent.children.filter((c) => c.kind === 'element' && c.name === el.name);
  const at = same.length === 0 ? parent.children.length
    : first ? parent.children.indexOf(same[0]!) : parent.children.indexOf(same.at(-1)!) + 1;
  parent.children.splice(at, 0, el);
}

function remove(parent: XmlElement, el: XmlElement): void {
  parent.children.splice(parent.children.indexOf(el), 1);
}

/** The child `name` of `parent`, made when missing. */
function child(parent: XmlElement, name: string): XmlElement {
  const found = firstChild(parent, name);
  if (found) return found;
  const made = element(name);
  parent.children.push(made);
  return made;
}

/** Drops an element left without content or attributes, which libvirt would not print. */
function dropIfEmpty(parent: XmlElement, el: XmlElement): void {
  if (el.attrs.length === 0 && childElements(el).length === 0) remove(parent, el);
}

// ---- addresses

const isV6 = (addr: string): boolean => addr.includes(':');
const ipFamily = (ip: XmlElement): 'ipv4' | 'ipv6' => (attr(ip, 'family') === 'ipv6' || isV6(attr(ip, 'address') ?? '') ? 'ipv6' : 'ipv4');

function v4Number(addr: string): number | undefined {
  const parts = addr.split('.');
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((n, p) => n * 256 + Number(p), 0);
}

/** A canonical form of an IPv4 or IPv6 address, or undefined when it is neither. */
function canonicalIP(addr: string): string | undefined {
  if (v4Number(addr) !== undefined) return String(v4Number(addr));
  if (!/^[0-9a-f:.]+$/i.test(addr) || !addr.includes(':')) return undefined;
  const [head, tail] = addr.toLowerCase().split('::') as [string, string | undefined];
  const groups = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const h = groups(head);
  const t = groups(tail);
  const all = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
  return all.length === 8 && all.every((g) => /^[0-9a-f]{1,4}$/.test(g)) ? all.map((g) => parseInt(g, 16)).join(':') : undefined;
}

const sameIP = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && canonicalIP(a) === canonicalIP(b);
const sameMAC = (a: string | undefined, b: string | undefined): boolean => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

function prefixOf(ip: XmlElement): number {
  const prefix = attr(ip, 'prefix');
  if (prefix !== undefined) return Number(prefix);
  const mask = v4Number(attr(ip, 'netmask') ?? '');
  return mask === undefined ? 24 : 32 - Math.log2(2 ** 32 - mask);
}

// ---- <ip> and <dhcp>

/** The `<ip>` a DHCP update works on: the one at --parent-index, or the first with DHCP, or the first IPv4 then IPv6 one. */
function dhcpParent(u: Update): XmlElement {
  const ips = childElements(u.root, 'ip');
  if (u.parentIndex >= 0) {
    const ip = ips[u.parentIndex];
    if (!ip) throw invalid(`couldn't update dhcp host entry - no <ip> element found at index ${u.parentIndex} in network '${u.name}'`);
    return ip;
  }
  const withDHCP = ips.find((ip) => firstChild(ip, 'dhcp') && childElements(firstChild(ip, 'dhcp')!).some((c) => c.name === 'range' || c.name === 'host'));
  const ip = withDHCP ?? ips.find((i) => ipFamily(i) === 'ipv4') ?? ips.find((i) => ipFamily(i) === 'ipv6');
  if (!ip) throw invalid(`couldn't update dhcp host entry - no <ip> element found in network '${u.name}'`);
  return ip;
}

function checkHost(u: Update, ip: XmlElement, partial: boolean): void {
  const { node, name } = u;
  const v6 = ipFamily(ip) === 'ipv6';
  const mac = attr(node, 'mac');
  if (mac !== undefined) {
    if (v6) throw xmlErr(`Invalid to specify MAC address '${mac}' in network '${name}' IPv6 static host definition`);
    if (!/^([0-9a-f]{1,2}:){5}[0-9a-f]{1,2}$/i.test(mac)) throw xmlErr(`Cannot parse MAC address '${mac}' in network '${name}'`);
    if (parseInt(mac.split(':')[0]!, 16) & 1) throw xmlErr(`expected unicast mac address, found multicast '${mac}' in network '${name}'`);
  }
  const address = attr(node, 'ip');
  if (address !== undefined && canonicalIP(address) === undefined) throw xmlErr(`Invalid IP address in static host definition for network '${name}'`);
  const hostName = attr(node, 'name');
  if (partial) {
    if (mac === undefined && hostName === undefined && address === undefined) {
      throw xmlErr(`At least one of name, mac, or ip attribute must be specified for static host definition in network '${name}' `);
    }
    return;
  }
  if (v6 && attr(node, 'id') === undefined && hostName === undefined) {
    throw xmlErr(`Static host definition in IPv6 network '${name}' must have id or name attribute`);
  }
  if (!v6 && mac === undefined && hostName === undefined) throw xmlErr(`Static host definition in IPv4 network '${name}' must have mac or name attribute`);
  if (address === undefined) throw xmlErr(`Missing IP address in static host definition for network '${name}'`);
  if (isV6(address) !== v6) throw invalid("the address family of a host entry IP must match the address family of the dhcp element's parent");
}

function updateDHCPHost(u: Update): void {
  const ip = dhcpParent(u);
  expectName(u, 'host');
  checkHost(u, ip, u.command === C.DELETE);
  const dhcp = child(ip, 'dhcp');
  const hosts = childElements(dhcp, 'host');
  const [mac, name, address] = [attr(u.node, 'mac'), attr(u.node, 'name'), attr(u.node, 'ip')];
  const described = `"mac='${mac ?? 'unknown'}'" "name='${name ?? '(null)'}'" "ip='${address ?? 'unknown'}'"`;
  const anyMatch = (h: XmlElement): boolean => sameMAC(mac, attr(h, 'mac')) || sameIP(address, attr(h, 'ip')) || (name !== undefined && name === attr(h, 'name'));
  if (u.command === C.MODIFY) {
    const old = hosts.find(anyMatch);
    if (!old) throw invalid(`couldn't locate an existing dhcp host entry with ${described} in network '${u.name}'`);
    dhcp.children.splice(dhcp.children.indexOf(old), 1, u.node);
  } else if (isAdd(u)) {
    if (hosts.some(anyMatch)) {
      throw invalid(`there is an existing dhcp host entry in network '${u.name}' that matches "<host mac='${mac ?? 'unknown'}' name='${name ?? '(null)'}' ip='${address ?? 'unknown'}'/>"`);
    }
    insert(dhcp, u.node, u.command === C.ADD_FIRST);
  } else {
    // Deleting matches on every attribute given.
    const old = hosts.find((h) => (mac === undefined || attr(h, 'mac') === undefined || sameMAC(mac, attr(h, 'mac')))
      && (name === undefined || name === attr(h, 'name')) && (address === undefined || sameIP(address, attr(h, 'ip'))));
    if (!old) throw invalid(`couldn't locate a matching dhcp host entry in network '${u.name}'`);
    remove(dhcp, old);
  }
  dropIfEmpty(ip, dhcp);
}

function checkRange(u: Update, ip: XmlElement): [string, string] {
  const [start, end] = [attr(u.node, 'start'), attr(u.node, 'end')];
  if (start === undefined) throw xmlErr(`Missing 'start' attribute in dhcp range for network '${u.name}'`);
  if (end === undefined) throw xmlErr(`Missing 'end' attribute in dhcp range for network '${u.name}'`);
  const [s, e, net] = [v4Number(start), v4Number(end), v4Number(attr(ip, 'address') ?? '')];
  if (s === undefined || e === undefined || net === undefined) return [start, end];
  const prefix = prefixOf(ip);
  const mask = prefix === 0 ? 0 : (2 ** 32 - 2 ** (32 - prefix));
  const inNet = (n: number): boolean => Math.floor(n / 2 ** (32 - prefix)) === Math.floor(net / 2 ** (32 - prefix)) || mask === 0;
  if (!inNet(s) || !inNet(e)) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `range ${start} - ${end} is not entirely within network ${attr(ip, 'address')}/${prefix}`, D);
  }
  if (s > e) throw new VirError(ErrorCode.INTERNAL_ERROR, `range ${start} - ${end} is reversed `, D);
  return [start, end];
}

function updateDHCPRange(u: Update): void {
  const ip = dhcpParent(u);
  if (u.command === C.MODIFY) throw unsupported('dhcp ranges cannot be modified, only added or deleted');
  expectName(u, 'range');
  const [start, end] = checkRange(u, ip);
  if (isV6(start) !== (ipFamily(ip) === 'ipv6')) throw invalid("the address family of a dhcp range must match the address family of the dhcp element's parent");
  const dhcp = child(ip, 'dhcp');
  const old = childElements(dhcp, 'range').find((r) => sameIP(start, attr(r, 'start')) && sameIP(end, attr(r, 'end')));
  if (isAdd(u)) {
    if (old) throw invalid(`there is an existing dhcp range entry in network '${u.name}' that matches "<range start='${start}' end='${end}'/>"`);
    insert(dhcp, u.node, u.command === C.ADD_FIRST);
  } else {
    if (!old) throw invalid(`couldn't locate a matching dhcp range entry in network '${u.name}'`);
    remove(dhcp, old);
  }
  dropIfEmpty(ip, dhcp);
}

// ---- <forward>, <portgroup>

function updateForwardInterface(u: Update): void {
  expectName(u, 'interface');
  const dev = attr(u.node, 'dev');
  if (dev === undefined) throw xmlErr('missing dev attribute in <interface> element');
  const fwd = child(u.root, 'forward');
  const old = childElements(fwd, 'interface').find((i) => attr(i, 'dev') === dev);
  if (u.command === C.MODIFY) throw unsupported('forward interface entries cannot be modified, only added or deleted');
  if (isAdd(u)) {
    if (old) throw invalid(`there is an existing interface entry in network '${u.name}' that matches "<interface dev='${dev}'>"`);
    insert(fwd, element('interface', [['dev', dev]]), u.command === C.ADD_FIRST);
  } else {
    if (!old) throw invalid(`couldn't find an interface entry in network '${u.name}' matching <interface dev='${dev}'>`);
    remove(fwd, old);
  }
  const ifs = childElements(fwd, 'interface');
  if (ifs.length > 1 && ['nat', 'route', 'open'].includes(attr(fwd, 'mode') ?? 'nat')) {
    throw xmlErr(`multiple forwarding interfaces specified for network '${u.name}', only one is supported`);
  }
  // The forward device is always the first interface.
  fwd.attrs = fwd.attrs.filter(([k]) => k !== 'dev');
  if (ifs[0]) fwd.attrs.unshift(['dev', attr(ifs[0], 'dev')!]);
}

function updatePortGroup(u: Update): void {
  expectName(u, 'portgroup');
  const name = attr(u.node, 'name');
  if (name === undefined) throw xmlErr('Missing required name attribute in portgroup');
  const groups = childElements(u.root, 'portgroup');
  const old = groups.find((g) => attr(g, 'name') === name);
  const isDefault = attr(u.node, 'default') === 'yes';
  const otherDefault = isDefault && groups.some((g) => attr(g, 'default') === 'yes' && g !== old);
  const notFound = (): VirError => invalid(`couldn't find a portgroup entry in network '${u.name}' matching <portgroup name='${name}'>`);
  const twoDefaults = (): VirError => invalid(`a different portgroup entry in network '${u.name}' is already set as the default. Only one default is allowed.`);
  if (u.command === C.MODIFY) {
    if (!old) throw notFound();
    if (otherDefault) throw twoDefaults();
    u.root.children.splice(u.root.children.indexOf(old), 1, u.node);
  } else if (isAdd(u)) {
    if (old) throw invalid(`there is an existing portgroup entry in network '${u.name}' that matches "<portgroup name='${name}'>"`);
    if (otherDefault) throw twoDefaults();
    insert(u.root, u.node, u.command === C.ADD_FIRST);
  } else {
    if (!old) throw notFound();
    remove(u.root, old);
  }
}

// ---- <dns>

/** Adds, or deletes the single match of, a DNS record; DNS records cannot be modified. */
function updateDNSRecord(u: Update, what: string, matches: (r: XmlElement) => boolean, duplicate: string, several: string): void {
  const dns = child(u.root, 'dns');
  const found = childElements(dns, u.node.name).filter(matches);
  if (isAdd(u)) {
    if (found.length > 0) throw invalid(duplicate);
    insert(dns, u.node, u.command === C.ADD_FIRST);
  } else if (u.command === C.DELETE) {
    if (found.length === 0) throw invalid(`couldn't locate a matching DNS ${what} record in network ${u.name}`);
    if (found.length > 1) throw invalid(several);
    remove(dns, found[0]!);
  } else {
    throw unsupported(`DNS ${what} records cannot be modified, only added or deleted`);
  }
  dropIfEmpty(u.root, dns);
}

function updateDNSHost(u: Update): void {
  expectName(u, 'host');
  const ip = attr(u.node, 'ip');
  const names = childElements(u.node, 'hostname').map(textOf).filter((n) => n !== '');
  if (ip !== undefined && canonicalIP(ip) === undefined) throw detail(`Invalid IP address in network '${u.name}' DNS HOST record`);
  if (names.length === 0 && isAdd(u)) throw detail(`Missing hostname in network '${u.name}' DNS HOST record`);
  if (ip === undefined && names.length === 0) throw detail(`Missing ip and hostname in network '${u.name}' DNS HOST record`);
  if (ip === undefined && isAdd(u)) throw detail(`Missing IP address in network '${u.name}' DNS HOST record`);
  // Adding checks the address only: several addresses may carry one name.
  const matches = (h: XmlElement): boolean => sameIP(ip, attr(h, 'ip'))
    || (!isAdd(u) && childElements(h, 'hostname').some((n) => names.includes(textOf(n))));
  updateDNSRecord(u, 'HOST', matches, `there is already at least one DNS HOST record with a matching field in network ${u.name}`,
    `multiple matching DNS HOST records were found in network ${u.name}`);
}

function updateDNSTxt(u: Update): void {
  expectName(u, 'txt');
  const name = attr(u.node, 'name');
  if (name === undefined) throw detail(`missing required name attribute in DNS TXT record of network ${u.name}`);
  if (name.includes(' ')) throw detail(`prohibited space character in DNS TXT record name '${name}' of network ${u.name}`);
  if (attr(u.node, 'value') === undefined && isAdd(u)) {
    throw detail(`missing required value attribute in DNS TXT record named '${name}' of network ${u.name}`);
  }
  updateDNSRecord(u, 'TXT', (t) => attr(t, 'name') === name, `there is already a DNS TXT record with name '${name}' in network ${u.name}`,
    `multiple DNS TXT records matching all specified fields were found in network ${u.name}`);
}

function updateDNSSrv(u: Update): void {
  expectName(u, 'srv');
  const service = attr(u.node, 'service');
  if (service === undefined) throw detail(`missing required service attribute in DNS SRV record of network '${u.name}'`);
  if (attr(u.node, 'protocol') === undefined) {
    throw detail(`missing required protocol attribute in DNS SRV record '${service}' of network '${u.name}'`);
  }
  const keys = ['domain', 'service', 'protocol', 'target'];
  const matches = (s: XmlElement): boolean => keys.every((k) => attr(u.node, k) === undefined || attr(u.node, k) === attr(s, k));
  updateDNSRecord(u, 'SRV', matches, `there is already at least one DNS SRV record matching all specified fields in network ${u.name}`,
    `multiple DNS SRV records matching all specified fields were found in network ${u.name}`);
}

/** The sections libvirt cannot update, by the name its message gives them. */
const UNSUPPORTED: Readonly<Record<number, string>> = {
  [S.BRIDGE]: 'bridge', [S.DOMAIN]: 'domain', [S.IP]: 'ip', [S.FORWARD]: 'forward', [S.FORWARD_PF]: 'forward pf',
};

const UPDATERS: Readonly<Record<number, (u: Update) => void>> = {
  [S.IP_DHCP_HOST]: updateDHCPHost, [S.IP_DHCP_RANGE]: updateDHCPRange, [S.FORWARD_INTERFACE]: updateForwardInterface,
  [S.PORTGROUP]: updatePortGroup, [S.DNS_HOST]: updateDNSHost, [S.DNS_TXT]: updateDNSTxt, [S.DNS_SRV]: updateDNSSrv,
};

const COMMANDS: readonly number[] = [C.MODIFY, C.DELETE, C.ADD_LAST, C.ADD_FIRST];

/**
 * libvirt's virNetworkDefUpdateSection on a copy of `def`: one element of one section added,
 * changed or removed, then the result formatted and parsed again as libvirt checks it.
 */
export function updateNetworkDef(def: NetworkDef, command: number, section: number, parentIndex: number, xml: string): NetworkDef {
  // libvirt labels this document's parse errors without the parentheses of its definitions.
  const node = parseLabelled(xml, 'network_update_xml', D);
  const updater = UPDATERS[section];
  if (!updater) throw unsupported(`can't update '${UNSUPPORTED[section] ?? 'unknown section'}' section of network '${def.name}'`);
  if (COMMANDS.includes(command)) {
    const root = structuredClone(def.xml);
    updater({ name: def.name, root, node, command, parentIndex });
    return parseNetworkXML(formatNetworkXML({ ...def, xml: root }));
  }
  throw new VirError(ErrorCode.NO_SUPPORT, `unrecognized network update command code ${command}`, D);
}
