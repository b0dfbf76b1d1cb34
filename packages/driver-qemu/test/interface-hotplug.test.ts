import { readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusData } from './helpers.js';
import { NetnsRoot } from './netns-root.js';

const MAC = '52:54:00:5e:10:01';

/**
 * Live attach and detach of interfaces on a real QEMU guest, with the real network driver, on a
 * bridge inside a namespace this test makes; everything through tsvirsh as a user would.
 */
describe('live attach and detach of network and bridge interfaces', () => {
  let host: NetnsRoot;
  const br = (): string => `qh${host.tag}`;
  const virsh = (...args: string[]): ReturnType<NetnsRoot['virsh']> => host.virsh(...args);
  const file = (name: string, text: string): string => host.file(name, text);
  const taps = (): string[] => host.taps();
  const ports = (): string[] => virsh('net-port-list', 'qn').out.split('\n').slice(2).filter((l) => l.trim());
  const qemuPid = (): number => (statusData(readFileSync(join(host.dir, 'run/qemu/h1.json'), 'utf8'))['pid'] as number);
  const rxFilter = (dom: string): Array<{ name: string; 'main-mac': string }> =>
    (JSON.parse(virsh('qemu-monitor-command', dom, '{"execute":"query-rx-filter"}').out) as { return: Array<{ name: string; 'main-mac': string }> }).return;

  beforeAll(() => {
    host = new NetnsRoot();
    expect(virsh('net-create', file('n.xml', `<network><name>qn</name><forward mode='nat'/><bridge name='${br()}'/>
      <ip address='192.168.91.1' netmask='255.255.255.0'><dhcp><range start='192.168.91.2' end='192.168.91.9'/></dhcp></ip></network>`)).status).toBe(0);
    expect(virsh('create', file('g.xml', `<domain type='qemu'><name>h1</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices/></domain>`)).status).toBe(0);
  });
  afterAll(() => host.remove());

  it('attach-interface network: a port, a tap on the bridge, netdev_add + device_add, shown by domiflist', () => {
    expect(virsh('attach-interface', 'h1', 'network', 'qn', '--model', 'virtio', '--mac', MAC, '--live')).toMatchObject({ status: 0, out: 'Interface attached successfully\n\n' });
    expect(taps()).toEqual(['vnet0']);
    expect(host.exec('ip', '-o', 'link', 'show', 'vnet0')).toContain(`master ${br()}`);
    expect(rxFilter('h1')).toEqual([expect.objectContaining({ name: 'net0', 'main-mac': MAC })]);
    // QEMU got the tap the driver opened through getfd, as libvirt hands it over: a descriptor of /dev/net/tun.
    const fd = /hostnet0: index=0,type=tap,fd=(\d+)/.exec(virsh('qemu-monitor-command', 'h1', '--hmp', 'info network').out)?.[1];
    expect(readlinkSync(`/proc/${qemuPid()}/fd/${fd}`)).toMatch(/\/net\/tun$/);
    expect(virsh('domiflist', 'h1').out).toBe(' Interface   Type      Source   Model    MAC\n' +
      '------------------------------------------------------------\n' +
      ` vnet0       network   qn       virtio   ${MAC}\n\n`);
    expect(virsh('dumpxml', 'h1').out).toContain("<alias name='net0'/>");
    expect(ports()).toHaveLength(1);
  });

  it('attach-interface bridge: a second NIC numbered net1 on the bridge', () => {
    expect(virsh('attach-interface', 'h1', 'bridge', br(), '--model', 'e1000', '--live').status).toBe(0);
    expect(taps().sort()).toEqual(['vnet0', 'vnet1']);
    expect(virsh('qemu-monitor-command', 'h1', '--hmp', 'info network').out).toMatch(/hostnet1: index=0,type=tap,fd=\d+/);
    expect(virsh('dumpxml', 'h1').out).toContain("<alias name='net1'/>");
  });

  it('a failed plug leaves no tap, no port and no netdev', () => {
    const before = ports().length;
    // A PCI bus the machine does not have: device_add fails after the port, the tap and the netdev were made.
    const busy = file('busy.xml', `<interface type='network'><source network='qn'/><model type='virtio'/>
      <address type='pci' domain='0x0000' bus='0x03' slot='0x01' function='0x0'/></interface>`);
    const r = virsh('attach-device', 'h1', busy, '--live');
    expect(r.status).toBe(1);
    expect(r.err).toMatch(/error: Failed to attach device from .*busy\.xml\nerror: internal error: unable to execute QEMU command 'device_add'/);
    expect(taps().sort()).toEqual(['vnet0', 'vnet1']);
    expect(ports()).toHaveLength(before);
    expect(virsh('qemu-monitor-command', 'h1', '--hmp', 'info network').out).not.toMatch(/hostnet2/);
    const nope = virsh('attach-interface', 'h1', 'network', 'nope', '--live');
    expect(nope.err).toBe("error: Failed to attach interface\nerror: Network not found: no network with matching name 'nope'\n");
    expect(virsh('attach-interface', 'h1', 'network', 'qn', '--model', 'ne2k_isa', '--live').err).toMatch(/interface model 'ne2k_isa'/);
    expect(taps().sort()).toEqual(['vnet0', 'vnet1']);
    expect(ports()).toHaveLength(before);
  });

  it('detach-interface: pending until the guest ejects the slot, then the netdev, tap and port go', () => {
    const other = file('other.xml', "<interface type='network'><source network='qn'/><mac address='52:54:00:5e:10:99'/></interface>");
    expect(virsh('detach-device', 'h1', other, '--live').err).toBe(
      `error: Failed to detach device from ${other}\nerror: device not found: no device matching MAC address 52:54:00:5e:10:99 found\n`);
    expect(virsh('detach-interface', 'h1', 'network', '--mac', MAC, '--live')).toMatchObject({ status: 0 });
    // No guest OS answers QEMU's ACPI eject request: the NIC stays, its unplug pending.
    expect(rxFilter('h1').map((r) => r.name)).toEqual(['net0']);
    const slot = /<interface type='network'>[\s\S]*?slot='(0x[0-9a-f]+)'/.exec(virsh('dumpxml', 'h1').out)![1]!;
    // What the guest's ACPI _EJ0 does: write the slot's bit to PIIX4's PCI eject register.
    expect(virsh('qemu-monitor-command', 'h1', '--hmp', `o /w 0xae08 ${1 << Number(slot)}`).status).toBe(0);
    const rows = virsh('domiflist', 'h1').out.split('\n').slice(2).filter((l) => l.trim());
    expect(rows).toEqual([expect.stringMatching(new RegExp(`^ vnet1 +bridge +${br()} +e1000 +52:54:00:`))]);
    expect(taps()).toEqual(['vnet1']);
    expect(ports()).toHaveLength(0);
    expect(virsh('qemu-monitor-command', 'h1', '--hmp', 'info network').out).not.toMatch(/hostnet0/);
  });

  it('destroy gives back the hot-plugged tap', () => {
    expect(virsh('destroy', 'h1').status).toBe(0);
    expect(taps()).toEqual([]);
  });
});
