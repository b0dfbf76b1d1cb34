import { attr, childElements, firstChild, textOf, type XmlElement } from '../xml/xml-node.js';
import type { NetworkDef } from './network-def.js';
import { classfulPrefix, netmaskPrefix, parseIP, type IPValue } from './ip-address.js';

/** A DHCP lease time: `<lease expiry unit>`; expiry 0 is infinite. */
export interface NetworkLease {
  readonly expiry: number;
  readonly unit: 'seconds' | 'minutes' | 'hours';
}

export interface NetworkDHCPRange {
  readonly start: string;
  readonly end: string;
  readonly lease?: NetworkLease;
}

/** A static DHCP host: IPv4 ones by MAC, IPv6 ones by DUID (`id`) or name. */
export interface NetworkDHCPHost {
  readonly mac?: string;
  readonly id?: string;
  readonly name?: string;
  readonly ip?: string;
  readonly lease?: NetworkLease;
}

/** One `<ip>` of a network with what its DHCP and TFTP servers hand out. */
export interface NetworkIPSetup {
  readonly family: 'ipv4' | 'ipv6';
  readonly address: string;
  /** From `prefix`, from `netmask`, or the classful default of an IPv4 address. */
  readonly prefix: number;
  readonly netmask?: string;
  readonly localPtr: boolean;
  readonly ranges: readonly NetworkDHCPRange[];
  readonly hosts: readonly NetworkDHCPHost[];
  /** Whether a `<dhcp>` element is present (even empty). */
  readonly dhcp: boolean;
  readonly tftpRoot?: string;
  readonly bootp?: { readonly file: string; readonly server?: string };
}

export interface NetworkSRV {
  readonly service: string;
  readonly protocol: string;
  readonly domain?: string;
  readonly target?: string;
  readonly port?: number;
  readonly priority?: number;
  readonly weight?: number;
}

/** The DNS server's settings: `<dns>` and `<domain>`. */
export interface NetworkDNSSetup {
  /** `enable='no'` turns the DNS server off; absent means on. */
  readonly enable: boolean;
  /** `forwardPlainNames`: undefined when not given. */
  readonly forwardPlainNames?: boolean;
  readonly forwarders: readonly { readonly domain?: string; readonly addr?: string }[];
  readonly txts: readonly { readonly name: string; readonly value: string }[];
  readonly srvs: readonly NetworkSRV[];
  readonly hosts: readonly { readonly ip: string; readonly hostnames: readonly string[] }[];
}

/** `<bandwidth>`: average/peak in KiB/s, burst in KiB, floor in KiB/s. */
export interface NetworkBandwidthSetup {
  readonly inbound?: Readonly<Record<'average' | 'peak' | 'burst' | 'floor', number | undefined>>;
  readonly outbound?: Readonly<Record<'average' | 'peak' | 'burst' | 'floor', number | undefined>>;
}

/**
 * What a network driver needs to bring a network up, read from a parsed definition: the typed,
 * read-only view of its addresses, DHCP, DNS, bridge and forwarding settings.
 */
export interface NetworkSetup {
  readonly name: string;
  readonly uuid: string;
  readonly forwardMode?: NetworkDef['forwardMode'];
  /** `<forward><nat ipv6='yes'/>`: masquerade IPv6 too. */
  readonly natIPv6: boolean;
  /** `<forward dev>`: the only host interface traffic may leave by. */
  readonly forwardDev?: string;
  readonly bridge?: string;
  readonly stp: boolean;
  readonly delay: number;
  readonly mac?: string;
  readonly mtu?: number;
  readonly domain?: { readonly name: string; readonly localOnly: boolean };
  readonly dns: NetworkDNSSetup;
  readonly ips: readonly NetworkIPSetup[];
  readonly bandwidth?: NetworkBandwidthSetup;
  /** `<route>` elements: static routes through a guest. */
  readonly routes: readonly { readonly address: string; readonly prefix: number; readonly gateway: string; readonly family: 'ipv4' | 'ipv6' }[];
  /** `<dnsmasq:options>` values, passed to dnsmasq verbatim. */
  readonly dnsmasqOptions: readonly string[];
}

const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
const yes = (s: string | undefined): boolean | undefined => (s === undefined ? undefined : s === 'yes');

function lease(parent: XmlElement): NetworkLease | undefined {
  const el = firstChild(parent, 'lease');
  if (!el) return undefined;
  return { expiry: Number(attr(el, 'expiry') ?? '0'), unit: (attr(el, 'unit') ?? 'minutes') as NetworkLease['unit'] };
}

function ipPrefix(address: IPValue | undefined, netmask: string | undefined, prefix: string | undefined): number {
  if (prefix !== undefined) return Number(prefix);
  const mask = netmask === undefined ? undefined : parseIP(netmask);
  if (mask) return netmaskPrefix(mask) ?? 0;
  if (!address) return 0;
  return address.bits === 32 ? classfulPrefix(address) : 64;
}

function ipSetup(ip: XmlElement): NetworkIPSetup {
  const address = attr(ip, 'address') ?? '';
  const value = parseIP(address);
  const family = attr(ip, 'family') === 'ipv6' || value?.bits === 128 ? 'ipv6' : 'ipv4';
  const dhcp = firstChild(ip, 'dhcp');
  const bootp = dhcp && firstChild(dhcp, 'bootp');
  const tftp = firstChild(ip, 'tftp');
  const netmask = attr(ip, 'netmask');
  const tftpRoot = tftp && attr(tftp, 'root');
  const bootFile = bootp && attr(bootp, 'file');
  const bootServer = bootp && attr(bootp, 'server');
  return {
    family,
    address,
    prefix: ipPrefix(value, netmask, attr(ip, 'prefix')),
    ...(netmask !== undefined ? { netmask } : {}),
    localPtr: attr(ip, 'localPtr') === 'yes',
    dhcp: dhcp !== undefined,
    ranges: dhcp ? childElements(dhcp, 'range').map((r) => {
      const l = lease(r);
      return { start: attr(r, 'start') ?? '', end: attr(r, 'end') ?? '', ...(l ? { lease: l } : {}) };
    }) : [],
    hosts: dhcp ? childElements(dhcp, 'host').map(dhcpHost) : [],
    ...(tftpRoot !== undefined ? { tftpRoot } : {}),
    ...(bootFile !== undefined ? { bootp: { file: bootFile, ...(bootServer !== undefined ? { server: bootServer } : {}) } } : {}),
  };
}

function dhcpHost(h: XmlElement): NetworkDHCPHost {
  const out: Record<string, unknown> = {};
  for (const key of ['mac', 'id', 'name', 'ip'] as const) {
    const v = attr(h, key);
    if (v !== undefined) out[key] = key === 'mac' ? v.toLowerCase() : v;
  }
  const l = lease(h);
  if (l) out['lease'] = l;
  return out as NetworkDHCPHost;
}

function srv(s: XmlElement): NetworkSRV {
  const out: Record<string, unknown> = { service: attr(s, 'service') ?? '', protocol: attr(s, 'protocol') ?? '' };
  for (const key of ['domain', 'target'] as const) if (attr(s, key) !== undefined) out[key] = attr(s, key);
  for (const key of ['port', 'priority', 'weight'] as const) if (attr(s, key) !== undefined) out[key] = Number(attr(s, key));
  return out as unknown as NetworkSRV;
}

function dnsSetup(dns: XmlElement | undefined): NetworkDNSSetup {
  const list = (name: string): XmlElement[] => (dns ? childElements(dns, name) : []);
  const plain = yes(dns && attr(dns, 'forwardPlainNames'));
  return {
    enable: (dns && attr(dns, 'enable')) !== 'no',
    ...(plain !== undefined ? { forwardPlainNames: plain } : {}),
    forwarders: list('forwarder').map((f) => ({
      ...(attr(f, 'domain') !== undefined ? { domain: attr(f, 'domain')! } : {}),
      ...(attr(f, 'addr') !== undefined ? { addr: attr(f, 'addr')! } : {}),
    })),
    txts: list('txt').map((t) => ({ name: attr(t, 'name') ?? '', value: attr(t, 'value') ?? '' })),
    srvs: list('srv').map(srv),
    hosts: list('host').map((h) => ({ ip: attr(h, 'ip') ?? '', hostnames: childElements(h, 'hostname').map((n) => textOf(n).trim()) })),
  };
}

/** A `<bandwidth>` element (of a network or a network port) as numbers; undefined when absent. */
export function bandwidthSetup(bw: XmlElement | undefined): NetworkBandwidthSetup | undefined {
  if (!bw) return undefined;
  const dir = (name: string): NetworkBandwidthSetup['inbound'] => {
    const el = firstChild(bw, name);
    return el && { average: num(attr(el, 'average')), peak: num(attr(el, 'peak')), burst: num(attr(el, 'burst')), floor: num(attr(el, 'floor')) };
  };
  const inbound = dir('inbound');
  const outbound = dir('outbound');
  return { ...(inbound ? { inbound } : {}), ...(outbound ? { outbound } : {}) };
}

/** The typed view of a network definition that a driver starts a network from. */
export function networkSetup(def: NetworkDef): NetworkSetup {
  const root = def.xml;
  const fwd = firstChild(root, 'forward');
  const bridge = firstChild(root, 'bridge');
  const domain = firstChild(root, 'domain');
  const mtu = firstChild(root, 'mtu');
  const options = firstChild(root, 'dnsmasq:options');
  const forwardDev = fwd && attr(fwd, 'dev');
  const nat = fwd && firstChild(fwd, 'nat');
  const domainName = domain && attr(domain, 'name');
  const bandwidth = bandwidthSetup(firstChild(root, 'bandwidth'));
  const mtuSize = mtu && num(attr(mtu, 'size'));
  return {
    name: def.name,
    uuid: def.uuid,
    ...(def.forwardMode !== undefined ? { forwardMode: def.forwardMode } : {}),
    natIPv6: (nat !== undefined && attr(nat, 'ipv6') === 'yes'),
    ...(forwardDev !== undefined ? { forwardDev } : {}),
    ...(def.bridge !== undefined ? { bridge: def.bridge } : {}),
    stp: (bridge && attr(bridge, 'stp')) !== 'off',
    delay: Number((bridge && attr(bridge, 'delay')) ?? '0'),
    ...(def.mac !== undefined ? { mac: def.mac } : {}),
    ...(mtuSize !== undefined ? { mtu: mtuSize } : {}),
    ...(domainName !== undefined ? { domain: { name: domainName, localOnly: attr(domain!, 'localOnly') === 'yes' } } : {}),
    dns: dnsSetup(firstChild(root, 'dns')),
    ips: childElements(root, 'ip').map(ipSetup),
    ...(bandwidth ? { bandwidth } : {}),
    routes: childElements(root, 'route').map((r) => {
      const address = attr(r, 'address') ?? '';
      const value = parseIP(address);
      return {
        address,
        prefix: ipPrefix(value, attr(r, 'netmask'), attr(r, 'prefix')),
        gateway: attr(r, 'gateway') ?? '',
        family: value?.bits === 128 ? 'ipv6' as const : 'ipv4' as const,
      };
    }),
    dnsmasqOptions: options ? childElements(options, 'dnsmasq:option').map((o) => attr(o, 'value') ?? '') : [],
  };
}
