import type { ConnectionDriver, DriverConnection } from '@tsvirt/api';
import { LocalNetworks } from './local-networks.js';
import { networkPathsForURI } from './network-paths.js';

/**
 * The network secondary driver of the local hypervisor connections (qemu:///system,
 * qemu:///session, qemu:///embed?root=DIR, lxc:///): virtual networks made of a Linux bridge,
 * dnsmasq and an nftables table, kept in files under the connection's root so that every process
 * sees the same networks.
 */
export const driver = {
  name: 'Network',
  schemes: [],
  localOnly: true,
  async open(ctx): Promise<DriverConnection | 'declined'> {
    const paths = networkPathsForURI(ctx.uri);
    if (paths === 'declined') return 'declined';
    const network = new LocalNetworks(paths);
    await network.refresh();
    return { network, close: async () => undefined };
  },
} satisfies ConnectionDriver;

export { LocalNetworks } from './local-networks.js';
export { networkPathsForURI, type NetworkPaths } from './network-paths.js';
export { dnsmasqConfig, type DnsmasqConfig, type DnsmasqFiles } from './dnsmasq-conf.js';
export { firewallRules, type FirewallRule, type FirewallMatch, type FirewallHook, type FirewallVerdict } from './firewall-rules.js';
export { nftScript } from './nft-firewall.js';
export { openTap, sendFd, type OpenTap } from './tap-fd.js';
