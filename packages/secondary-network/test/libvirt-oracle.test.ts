import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inNs } from './netns.js';
import { useOraclePair } from './private-libvirtd.js';

/** Networks of every forward mode the driver makes, with the features that reach dnsmasq and the bridge. */
const NETWORKS: Record<string, (br: string) => string> = {
  'nat, DNS records, two families': (br) => `<network><name>o1</name><forward mode='nat'/><bridge name='${br}'/><mac address='52:54:00:11:22:33'/>
    <domain name='example.org'/><dns><host ip='192.168.77.5'><hostname>h5</hostname><hostname>h6.x</hostname></host>
    <txt name='t' value='v'/><srv service='ldap' protocol='tcp' target='h5' port='389'/><forwarder addr='192.0.2.53'/></dns>
    <ip address='192.168.77.1' netmask='255.255.255.0'><dhcp><range start='192.168.77.2' end='192.168.77.254'/>
    <host mac='52:54:00:aa:bb:cc' name='g1' ip='192.168.77.9'/></dhcp></ip><ip family='ipv6' address='fd00:77::1' prefix='64'/></network>`,
  'route with MTU and DHCPv6': (br) => `<network><name>o2</name><forward mode='route'/><bridge name='${br}'/><mac address='52:54:00:11:22:34'/><mtu size='1400'/>
    <ip address='10.66.0.1' prefix='16'><dhcp><range start='10.66.1.1' end='10.66.1.200'><lease expiry='2' unit='hours'/></range></dhcp></ip>
    <ip family='ipv6' address='fd00:66::1' prefix='64'><dhcp><range start='fd00:66::100' end='fd00:66::1ff'/></dhcp></ip></network>`,
  'isolated, several addresses': (br) => `<network><name>o3</name><bridge name='${br}' stp='off'/><mac address='52:54:00:11:22:35'/>
    <ip address='172.20.1.1' netmask='255.255.255.0'/><ip address='172.20.2.1' netmask='255.255.255.0'><dhcp><host mac='52:54:00:00:00:01' ip='172.20.2.7'/></dhcp></ip></network>`,
  'open, DNS off': (br) => `<network><name>o4</name><forward mode='open'/><bridge name='${br}'/><mac address='52:54:00:11:22:36'/><dns enable='no'/>
    <ip address='10.55.0.1' prefix='24'><dhcp><range start='10.55.0.10' end='10.55.0.20'/></dhcp></ip></network>`,
};

interface Addr {
  family: string;
  local: string;
  prefixlen: number;
  broadcast?: string;
}

/** What the bridge looks like: MAC, MTU, state, STP, and its global addresses. */
function bridgeFacts(ns: string, br: string): unknown {
  const [link] = JSON.parse(inNs(ns, 'ip', '-j', '-d', 'addr', 'show', 'dev', br)) as Array<{
    address: string; mtu: number; flags: string[]; addr_info: Array<Addr & { scope: string }>; linkinfo: { info_data: { stp_state: number } };
  }>;
  return {
    mac: link!.address,
    mtu: link!.mtu,
    up: link!.flags.includes('UP'),
    stp: link!.linkinfo.info_data.stp_state,
    addrs: link!.addr_info.filter((a) => a.scope === 'global').map(({ family, local, prefixlen, broadcast }) => ({ family, local, prefixlen, broadcast })),
  };
}

/**
 * libvirtd 9.0 (private, in its own namespace) and this driver (in another) start the same
 * networks: the dnsmasq config, hosts and extra-hosts files, and the bridge must be the same.
 */
describe('libvirtd 9.0 as the oracle', () => {
  const pair = useOraclePair();

  it.each(Object.keys(NETWORKS))('%s', (label) => {
    const { ours, theirs, libvirtd } = pair;
    const br = `ob${ours.tag}`;
    const xml = NETWORKS[label]!(br);
    const name = /<name>(\w+)</.exec(xml)![1]!;
    const file = join(theirs.root, `${name}.xml`);
    writeFileSync(file, xml);
    libvirtd.virsh('net-create', file);
    try {
      ours.ok(`await conn.networkCreateXML(${JSON.stringify(xml)});`);
      const dir = `${ours.root}/lib/network/dnsmasq`;
      const normalise = (text: string): string => text
        .replaceAll(dir, '/var/lib/libvirt/dnsmasq').replace(/^pid-file=.*$/m, 'pid-file=PID');
      for (const suffix of ['conf', 'hostsfile', 'addnhosts']) {
        const want = libvirtd.file(`/var/lib/libvirt/dnsmasq/${name}.${suffix}`);
        const got = inNs(ours.ns, 'cat', `${dir}/${name}.${suffix}`);
        expect(normalise(got), suffix).toBe(normalise(want));
      }
      expect(bridgeFacts(ours.ns, br)).toEqual(bridgeFacts(theirs.ns, br));
    } finally {
      libvirtd.virsh('net-destroy', name);
      ours.api(`await (await conn.networkLookupByName('${name}')).destroy();`);
    }
  });
});
