import type { NetworkDHCPHost, NetworkDNSSetup, NetworkLease } from '@tsvirt/conf';

/** A lease time as dnsmasq reads it: `infinite`, or a number with s, m or h. */
export function dnsmasqLeaseTime(lease: NetworkLease | undefined): string | undefined {
  if (!lease) return undefined;
  if (lease.expiry === 0) return 'infinite';
  return `${lease.expiry}${lease.unit[0]}`;
}

/**
 * One line of dnsmasq's `dhcp-hostsfile` for a static host, as libvirt writes it: IPv4 hosts by
 * MAC (`mac,ip[,name]`), IPv6 hosts by DUID or name with the address in brackets. Hosts without an
 * address are not written.
 */
export function dhcpHostLine(host: NetworkDHCPHost, ipv6: boolean): string | undefined {
  if (host.ip === undefined) return undefined;
  const parts = ipv6
    ? [host.id !== undefined ? `id:${host.id}` : undefined, host.name, `[${host.ip}]`]
    : host.mac !== undefined ? [host.mac, host.ip, host.name] : [host.name, host.ip];
  const lease = dnsmasqLeaseTime(host.lease);
  return [...parts, lease].filter((p) => p !== undefined).join(',');
}

/** The `addn-hosts` file: one line per DNS host, its address then its names, each followed by a tab. */
export function addnHostsText(dns: NetworkDNSSetup): string {
  return dns.hosts.map((h) => `${h.ip}\t${h.hostnames.map((n) => `${n}\t`).join('')}\n`).join('');
}
