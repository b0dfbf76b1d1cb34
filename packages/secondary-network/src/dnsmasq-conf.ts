import { VirError, ErrorCode, ErrorDomain } from '@tsvirt/util';
import { formatIP, parseIP, prefixMask, type NetworkIPSetup, type NetworkSetup, type NetworkSRV } from '@tsvirt/conf';
import { dhcpHostLine, dnsmasqLeaseTime } from './dnsmasq-hosts.js';

/** Where dnsmasq's files of one network go. */
export interface DnsmasqFiles {
  /** The directory of `NAME.hostsfile` and `NAME.addnhosts`. */
  readonly dir: string;
  /** dnsmasq's pid file, written into the config as `pid-file=` when given. */
  readonly pidFile?: string;
}

/** What dnsmasq is started with: its config text and the contents of its hosts file. */
export interface DnsmasqConfig {
  readonly conf: string;
  /** `dhcp-hostsfile` lines (no file when empty). */
  readonly hostsLines: readonly string[];
  readonly hostsFile: string;
  readonly addnHostsFile: string;
}

const D = ErrorDomain.NETWORK;
const HEADER = (name: string): string =>
  '##WARNING:  THIS IS AN AUTO-GENERATED FILE. CHANGES TO IT ARE LIKELY TO BE\n' +
  '##OVERWRITTEN AND LOST.  Changes to this configuration should be made using:\n' +
  `##    virsh net-edit ${name}\n` +
  '## or other application using the libvirt API.\n' +
  '##\n' +
  '## dnsmasq conf file created by libvirt\n';

/** libvirt escapes the file names it writes into the config as XML text. */
const escapeXML = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

/** The reverse DNS zone of a subnet, for `localPtr='yes'` (whole octets or nibbles only). */
function ptrZone(ip: NetworkIPSetup): string {
  const value = parseIP(ip.address)!;
  const step = ip.family === 'ipv4' ? 8 : 4;
  if (ip.prefix % step !== 0 || ip.prefix === 0) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED,
      `PTR domain for ${ip.family === 'ipv4' ? 'IPv4' : 'IPv6'} network with prefix ${ip.prefix} cannot be automatically created`, D);
  }
  const net = value.value & prefixMask(value.bits, ip.prefix);
  const labels: string[] = [];
  for (let shift = value.bits - step; labels.length < ip.prefix / step; shift -= step) {
    const part = (net >> BigInt(shift)) & BigInt((1 << step) - 1);
    labels.push(ip.family === 'ipv4' ? String(part) : part.toString(16));
  }
  return `${labels.reverse().join('.')}.${ip.family === 'ipv4' ? 'in-addr' : 'ip6'}.arpa`;
}

function srvLine(s: NetworkSRV): string {
  let line = `srv-host=_${s.service}._${s.protocol}${s.domain !== undefined ? `.${s.domain}` : ''}`;
  if (s.target !== undefined) {
    line += `,${s.target}`;
    if (s.port || s.priority || s.weight) line += `,${s.port || 1}`;
    if (s.priority || s.weight) line += `,${s.priority ?? 0}`;
    if (s.weight) line += `,${s.weight}`;
  }
  return `${line}\n`;
}

function dnsLines(def: NetworkSetup): string {
  const dns = def.dns;
  if (!dns.enable) return 'port=0\n';
  let out = '';
  for (const f of dns.forwarders) out += `server=${f.domain !== undefined ? `/${f.domain}/` : ''}${f.addr ?? '#'}\n`;
  if (dns.forwarders.some((f) => f.addr !== undefined && f.domain === undefined)) out += 'no-resolv\n';
  if (def.domain) {
    if (def.domain.localOnly) out += `local=/${def.domain.name}/\n`;
    out += `domain=${def.domain.name}\nexpand-hosts\n`;
  }
  for (const ip of def.ips.filter((i) => i.localPtr)) out += `local=/${ptrZone(ip)}/\n`;
  if (dns.forwardPlainNames === false) out += 'domain-needed\nlocal=//\n';
  return out;
}

/** The number of addresses in a range, refusing a reversed one (libvirt's virSocketAddrGetRange). */
function rangeSize(ip: NetworkIPSetup, start: string, end: string): number {
  const s = parseIP(start);
  const e = parseIP(end);
  if (!s || !e || e.value < s.value) {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `range ${start} - ${end} is reversed `, D);
  }
  return Number(e.value - s.value) + 1 + (ip.family === 'ipv4' ? 0 : 0);
}

/** The first `<ip>` of a family that serves DHCP; libvirt allows one per family. */
function dhcpIP(def: NetworkSetup, family: 'ipv4' | 'ipv6'): NetworkIPSetup | undefined {
  const serving = def.ips.filter((i) => i.family === family && (i.ranges.length > 0 || i.hosts.length > 0));
  if (serving.length > 1) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED,
      `For ${family === 'ipv4' ? 'IPv4' : 'IPv6'}, multiple DHCP definitions cannot be specified.`, D);
  }
  return serving[0];
}

function netmaskOf(ip: NetworkIPSetup): string {
  return ip.netmask ?? formatIP({ bits: 32, value: prefixMask(32, ip.prefix) });
}

/**
 * dnsmasq's configuration for a network, line for line as libvirt 9.0's network driver writes it
 * (DNS and forwarders, the interface, TFTP, DHCP ranges and hosts, router advertisements, the
 * `<dnsmasq:options>`), with the hosts file beside it.
 */
export function dnsmasqConfig(def: NetworkSetup, files: DnsmasqFiles): DnsmasqConfig {
  const hostsFile = `${files.dir}/${def.name}.hostsfile`;
  const addnHostsFile = `${files.dir}/${def.name}.addnhosts`;
  let conf = `${HEADER(def.name)}strict-order\n${dnsLines(def)}`;
  if (files.pidFile !== undefined) conf += `pid-file=${files.pidFile}\n`;
  conf += `except-interface=lo\nbind-dynamic\ninterface=${def.bridge ?? ''}\n`;
  if (def.forwardMode === undefined) conf += 'dhcp-option=3\nno-resolv\nra-param=*,0,0\n';
  if (def.dns.enable) {
    for (const t of def.dns.txts) conf += `txt-record=${t.name},${t.value}\n`;
    for (const s of def.dns.srvs) conf += srvLine(s);
  }
  for (const ip of def.ips.filter((i) => i.family === 'ipv4' && i.tftpRoot !== undefined)) conf += `enable-tftp\ntftp-root=${ip.tftpRoot}\n`;

  const v4 = dhcpIP(def, 'ipv4');
  const v6 = dhcpIP(def, 'ipv6');
  const hostsLines: string[] = [];
  let leases = 0;
  for (const ip of [v4, v6].filter((i): i is NetworkIPSetup => i !== undefined)) {
    const ipv6 = ip.family === 'ipv6';
    for (const r of ip.ranges) {
      const lease = dnsmasqLeaseTime(r.lease);
      conf += `dhcp-range=${r.start},${r.end},${ipv6 ? ip.prefix : netmaskOf(ip)}${lease !== undefined ? `,${lease}` : ''}\n`;
      leases += rangeSize(ip, r.start, r.end);
    }
    if (ip.ranges.length === 0 && ip.hosts.length > 0) conf += `dhcp-range=${ip.address},static${ipv6 ? `,${ip.prefix}` : ''}\n`;
    for (const h of ip.hosts) {
      const line = dhcpHostLine(h, ipv6);
      if (line !== undefined) hostsLines.push(line);
    }
    if (!ipv6) {
      conf += 'dhcp-no-override\ndhcp-authoritative\n';
      if (ip.bootp) conf += `dhcp-boot=${ip.bootp.file}${ip.bootp.server !== undefined ? `,,${ip.bootp.server}` : ''}\n`;
    }
  }
  if (leases > 0) conf += `dhcp-lease-max=${leases}\n`;
  if (v4 || v6) conf += `dhcp-hostsfile=${escapeXML(hostsFile)}\n`;
  if (def.dns.enable) conf += `addn-hosts=${escapeXML(addnHostsFile)}\n`;
  if (def.mtu !== undefined) conf += `dhcp-option=option:mtu,${def.mtu}\n`;
  if (v6) conf += 'enable-ra\n';
  else for (const ip of def.ips.filter((i) => i.family === 'ipv6')) conf += `dhcp-range=${ip.address},ra-only\n`;
  for (const o of def.dnsmasqOptions) conf += `${o}\n`;
  return { conf, hostsLines, hostsFile, addnHostsFile };
}
