import { once } from 'node:events';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHost, inNs } from './netns.js';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const GUEST_MAC = '52:54:00:aa:bb:01';

/**
 * Three namespaces: the host, where the driver runs and the network's bridge lives; a guest,
 * whose eth0 is a veth enslaved to the bridge; and an outside network reached from the host by
 * another veth (10.98.0.0/24), where a server reports the address each connection came from.
 */
describe('a guest on a network: DHCP lease, NAT to the outside, isolation', () => {
  let host: TestHost;
  let guest: string;
  let outside: string;
  beforeAll(async () => {
    host = new TestHost();
    guest = host.namespace('g');
    outside = host.namespace('o');
    host.link(guest, `gv${host.tag}`);
    host.link(outside, `ov${host.tag}`);
    inNs(host.ns, 'ip', 'addr', 'add', '10.98.0.1/24', 'dev', `ov${host.tag}`);
    inNs(outside, 'ip', 'addr', 'add', '10.98.0.2/24', 'dev', 'eth0');
    inNs(guest, 'ip', 'link', 'set', 'eth0', 'address', GUEST_MAC);
    const server = host.spawn(outside, process.execPath, [join(FIXTURES, 'whoami-server.mjs'), '7777']);
    await once(server.stdout!, 'data');
  });
  afterAll(() => host.remove());

  const start = (xml: string): void => host.ok(`await conn.networkCreateXML(${JSON.stringify(xml)});`);
  const plugGuest = (bridge: string): string => inNs(host.ns, 'ip', 'link', 'set', `gv${host.tag}`, 'master', bridge);
  // With STP on, the kernel keeps a new bridge port learning for twice its 2 s minimum forward delay.
  const dhcp = (): string => inNs(guest, 'busybox', 'udhcpc', '-i', 'eth0', '-n', '-q', '-f', '-t', '10', '-T', '1',
    '-s', join(FIXTURES, 'udhcpc.sh'), '-x', 'hostname:guest1');
  /** What the outside server saw as the guest's address, or undefined when the guest cannot reach it. */
  const reachOutside = (): string | undefined => {
    try {
      return inNs(guest, 'busybox', 'nc', '-w', '2', '10.98.0.2', '7777').trim();
    } catch {
      return undefined;
    }
  };

  it('NAT: the guest gets a lease that net-dhcp-leases lists, and reaches the outside masqueraded', () => {
    const br = `tn${host.tag}`;
    start(`<network><name>nat</name><forward mode='nat'/><bridge name='${br}'/>
      <ip address='192.168.97.1' netmask='255.255.255.0'><dhcp><range start='192.168.97.50' end='192.168.97.60'/></dhcp></ip></network>`);
    plugGuest(br);
    dhcp();
    expect(inNs(guest, 'ip', '-o', '-4', 'addr', 'show', 'eth0')).toMatch(/inet 192\.168\.97\.(5\d|60)\/24/);
    const leases = host.ok<Array<{ mac: string; ipaddr: string; hostname: string; prefix: number; iface: string }>>(
      `return (await conn.networkLookupByName('nat')).getDHCPLeases();`);
    expect(leases).toHaveLength(1);
    expect(leases[0]).toMatchObject({ mac: GUEST_MAC, hostname: 'guest1', prefix: 24, iface: br });
    expect(inNs(guest, 'ip', '-o', '-4', 'addr', 'show', 'eth0')).toContain(leases[0]!.ipaddr);

    expect(reachOutside()).toBe('10.98.0.1');
    // The outside cannot open a connection to the guest.
    inNs(outside, 'ip', 'route', 'add', '192.168.97.0/24', 'via', '10.98.0.1');
    expect(() => inNs(outside, 'busybox', 'nc', '-w', '2', leases[0]!.ipaddr, '22')).toThrow();
    host.ok(`await (await conn.networkLookupByName('nat')).destroy();`);
  });

  it('isolated: the guest gets a lease and reaches nothing outside', () => {
    const br = `ti${host.tag}`;
    start(`<network><name>iso</name><bridge name='${br}'/>
      <ip address='192.168.96.1' netmask='255.255.255.0'><dhcp><range start='192.168.96.50' end='192.168.96.60'/></dhcp></ip></network>`);
    plugGuest(br);
    dhcp();
    expect(inNs(guest, 'ip', '-o', '-4', 'addr', 'show', 'eth0')).toMatch(/inet 192\.168\.96\.(5\d|60)\/24/);
    // Even with a route to the outside the host forwards nothing from the bridge.
    inNs(guest, 'ip', 'route', 'replace', 'default', 'via', '192.168.96.1');
    expect(reachOutside()).toBeUndefined();
    host.ok(`await (await conn.networkLookupByName('iso')).destroy();`);
  });

  it('route: the outside sees the guest address itself', () => {
    const br = `tr${host.tag}`;
    start(`<network><name>routed</name><forward mode='route'/><bridge name='${br}'/>
      <ip address='192.168.95.1' netmask='255.255.255.0'><dhcp><range start='192.168.95.50' end='192.168.95.60'/></dhcp></ip></network>`);
    plugGuest(br);
    dhcp();
    inNs(outside, 'ip', 'route', 'replace', '192.168.95.0/24', 'via', '10.98.0.1');
    expect(reachOutside()).toMatch(/^192\.168\.95\.(5\d|60)$/);
    host.ok(`await (await conn.networkLookupByName('routed')).destroy();`);
  });
});
