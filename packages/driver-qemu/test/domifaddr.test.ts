import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NetnsRoot } from './netns-root.js';

const MAC = '52:54:00:5e:20:01';
const HEADER = ' Name       MAC address          Protocol     Address\n' + `${'-'.repeat(79)}\n`;

/**
 * `domifaddr` of a real QEMU guest on a network of the real network driver, in namespaces this
 * test makes. The guest has no OS, so a stand-in with the guest's MAC (a veth in a second
 * namespace, on the same bridge) asks dnsmasq for the lease, as the guest's DHCP client would.
 * The guest's own link is down: its firmware's network boot would send from the same MAC and take
 * the bridge's forwarding entry from the stand-in.
 */
describe('domifaddr', () => {
  let host: NetnsRoot;
  let leased = '';
  const virsh = (...args: string[]): ReturnType<NetnsRoot['virsh']> => host.virsh(...args);

  beforeAll(() => {
    host = new NetnsRoot();
    const br = `qa${host.tag}`;
    expect(virsh('net-create', host.file('n.xml', `<network><name>qa</name><forward mode='nat'/><bridge name='${br}'/>
      <ip address='192.168.93.1' netmask='255.255.255.0'><dhcp><range start='192.168.93.2' end='192.168.93.9'/></dhcp></ip></network>`)).status).toBe(0);
    const guest = host.namespace('g');
    host.exec('ip', 'link', 'add', `gv${host.tag}`, 'type', 'veth', 'peer', 'name', `gp${host.tag}`);
    host.exec('ip', 'link', 'set', `gp${host.tag}`, 'netns', guest);
    host.exec('ip', 'link', 'set', `gv${host.tag}`, 'master', br, 'up');
    const inGuest = (...args: string[]): string => execFileSync('ip', ['netns', 'exec', guest, ...args], { encoding: 'utf8' });
    inGuest('ip', 'link', 'set', `gp${host.tag}`, 'name', 'eth0');
    inGuest('ip', 'link', 'set', 'eth0', 'address', MAC, 'up');
    inGuest('busybox', 'udhcpc', '-i', 'eth0', '-x', 'hostname:tsvguest', '-n', '-q', '-f', '-t', '15', '-T', '1', '-s', join(import.meta.dirname, 'fixtures', 'udhcpc-bound.sh'));
    leased = /inet (\S+)\//.exec(inGuest('ip', '-4', 'addr', 'show', 'eth0'))![1]!;
    expect(virsh('create', host.file('d.xml', `<domain type='qemu'><name>ad</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
      <interface type='network'><source network='qa'/><mac address='${MAC}'/><model type='virtio'/><link state='down'/></interface>
      <interface type='user'><mac address='52:54:00:5e:20:02'/></interface></devices></domain>`)).status).toBe(0);
  }, 120_000);
  afterAll(() => host.remove());

  it('--source lease (the default): the network driver\'s DHCP lease of the interface\'s MAC', () => {
    const want = `${HEADER} vnet0      ${MAC}    ipv4         ${leased}/24\n\n`;
    expect(virsh('domifaddr', 'ad')).toMatchObject({ status: 0, out: want });
    expect(virsh('domifaddr', 'ad', '--source', 'lease', '--full').out).toBe(want);
    expect(virsh('domifaddr', 'ad', '--interface', 'vnet0').out).toBe(want);
    expect(virsh('domifaddr', 'ad', '--interface', 'vnet9').out).toBe(`${HEADER}\n`);
  });

  it('--source arp: the host\'s neighbour table by MAC', () => {
    host.exec('busybox', 'ping', '-c', '1', '-W', '5', leased);
    expect(virsh('domifaddr', 'ad', '--source', 'arp').out).toBe(`${HEADER} vnet0      ${MAC}    ipv4         ${leased}/0\n\n`);
  });

  it('domhostname --source lease: the hostname the guest gave with its DHCP request', () => {
    // virsh 9.0 ends the name with two newlines (as on the test driver's oracle case).
    expect(virsh('domhostname', 'ad', '--source', 'lease')).toMatchObject({ status: 0, out: 'tsvguest\n\n' });
    expect(virsh('domhostname', 'ad', '--source', 'agent').err).toBe('error: failed to get hostname\nerror: argument unsupported: QEMU guest agent is not configured\n');
  });

  it('refuses the agent without a channel, an unknown source, and a domain that is not running', () => {
    expect(virsh('domifaddr', 'ad', '--source', 'agent').err).toBe(
      'error: Failed to query for interfaces addresses\nerror: argument unsupported: QEMU guest agent is not configured\n');
    expect(virsh('domifaddr', 'ad', '--source', 'bogus').err).toBe("error: Unknown data source 'bogus'\n");
    expect(virsh('destroy', 'ad').status).toBe(0);
    expect(virsh('define', host.file('d2.xml', `<domain type='qemu'><name>ad2</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`)).status).toBe(0);
    expect(virsh('domifaddr', 'ad2').err).toBe('error: Failed to query for interfaces addresses\nerror: Requested operation is not valid: domain is not running\n');
  });
});
