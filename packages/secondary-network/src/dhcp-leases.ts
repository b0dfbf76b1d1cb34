import { readFile } from 'node:fs/promises';
import type { NetworkDHCPLease } from '@tsvirt/api';
import { inSubnet, parseIP, type NetworkSetup } from '@tsvirt/conf';

const unset = (s: string | undefined): string | undefined => (s === undefined || s === '*' ? undefined : s);

/**
 * The live leases of a network from dnsmasq's lease file (`expiry mac ip name clientid` for IPv4;
 * after a `duid` line, `expiry iaid ip name duid` for IPv6), with the prefix of the network's
 * subnet that holds each address. Expired leases and those of other MACs are left out.
 */
export async function readLeases(file: string, def: NetworkSetup, mac: string | undefined, now = Date.now() / 1000): Promise<NetworkDHCPLease[]> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const leases: NetworkDHCPLease[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[0] === 'duid') continue;
    const expiry = Number(f[0]);
    const ip = parseIP(f[2]!);
    if (!ip || (expiry !== 0 && expiry < now)) continue;
    const v6 = ip.bits === 128;
    const subnet = def.ips.find((i) => inSubnet(ip, parseIP(i.address)!, i.prefix));
    const hostname = unset(f[3]);
    const clientid = unset(f[4]);
    const lease: NetworkDHCPLease = {
      iface: def.bridge ?? '',
      expiryTime: expiry,
      type: v6 ? 1 : 0,
      mac: v6 ? '' : f[1]!.toLowerCase(),
      ...(v6 ? { iaid: f[1]! } : {}),
      ipaddr: f[2]!,
      prefix: subnet?.prefix ?? (v6 ? 64 : 24),
      ...(hostname !== undefined ? { hostname } : {}),
      ...(clientid !== undefined ? { clientid } : {}),
    };
    if (mac === undefined || lease.mac === mac.toLowerCase()) leases.push(lease);
  }
  return leases;
}
