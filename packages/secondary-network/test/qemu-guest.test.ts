import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestHost, inNs } from './netns.js';

const TSVIRSH = join(import.meta.dirname, '../../../tsvirsh');
const MAC = '52:54:00:5e:00:01';

/** A QEMU guest (TCG, no OS needed) with one interface plugged as `iface`. */
const domainXML = (name: string, iface: string, emulator = '/usr/bin/qemu-system-x86_64'): string => `<domain type='qemu'><name>${name}</name>
  <memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices><emulator>${emulator}</emulator>${iface}</devices></domain>`;

/**
 * driver-qemu and this driver together, through tsvirsh on an embed root inside a namespace:
 * a `type='network'` interface gets a port and a tap on the network's bridge that QEMU opens;
 * both go away when the guest stops or its start fails.
 */
describe('a QEMU guest on a network', () => {
  let host: TestHost;
  const br = (): string => `qb${host.tag}`;
  const virsh = (...args: string[]): { out: string; err: string; status: number | null } => {
    const r = spawnSync('ip', ['netns', 'exec', host.ns, TSVIRSH, '-c', host.uri, ...args], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const file = (name: string, text: string): string => {
    writeFileSync(join(host.root, name), text);
    return join(host.root, name);
  };
  const taps = (): string[] => inNs(host.ns, 'ip', '-o', 'link').split('\n').filter((l) => /vnet\d/.test(l)).map((l) => l.split(':')[1]!.trim().split('@')[0]!);

  beforeAll(() => {
    host = new TestHost();
    expect(virsh('net-create', file('n.xml', `<network><name>qn</name><forward mode='nat'/><bridge name='${br()}'/>
      <ip address='192.168.89.1' netmask='255.255.255.0'><dhcp><range start='192.168.89.2' end='192.168.89.9'/></dhcp></ip></network>`)).status).toBe(0);
  });
  afterAll(() => host.remove());

  it('plugs a tap into the bridge, QEMU is given it, the port is held; all of it goes on destroy', () => {
    const iface = `<interface type='network'><source network='qn'/><mac address='${MAC}'/><model type='virtio'/></interface>`;
    expect(virsh('create', file('d.xml', domainXML('g1', iface)))).toMatchObject({ status: 0 });
    expect(taps()).toEqual(['vnet0']);
    expect(inNs(host.ns, 'ip', '-o', 'link', 'show', 'vnet0')).toContain(`master ${br()}`);
    // The QEMU driver opens the tap and passes its descriptor, as libvirt does.
    expect(virsh('qemu-monitor-command', 'g1', '--hmp', 'info network').out).toMatch(/hostnet0: index=0,type=tap,fd=\d+/);
    const rx = JSON.parse(virsh('qemu-monitor-command', 'g1', '{"execute":"query-rx-filter"}').out) as { return: Array<{ name: string; 'main-mac': string }> };
    expect(rx.return).toEqual([expect.objectContaining({ name: 'net0', 'main-mac': MAC })]);
    expect(virsh('dumpxml', 'g1').out).toContain("<target dev='vnet0'/>");
    expect(virsh('domiflist', 'g1').out).toBe(' Interface   Type      Source   Model    MAC\n' +
      '------------------------------------------------------------\n' +
      ` vnet0       network   qn       virtio   ${MAC}\n\n`);
    const ports = virsh('net-port-list', 'qn').out.split('\n').slice(2).filter((l) => l.trim());
    expect(ports).toHaveLength(1);
    expect(virsh('net-port-dumpxml', 'qn', ports[0]!.trim()).out).toContain(`<name>g1</name>`);

    expect(virsh('destroy', 'g1')).toMatchObject({ status: 0 });
    expect(taps()).toEqual([]);
    expect(virsh('net-port-list', 'qn').out.split('\n').slice(2).filter((l) => l.trim())).toEqual([]);
  });

  it('a guest that crashes: the next process notices, and the tap and port go', () => {
    const iface = `<interface type='network'><source network='qn'/><mac address='${MAC}'/><model type='virtio'/></interface>`;
    expect(virsh('create', file('c.xml', domainXML('g5', iface)))).toMatchObject({ status: 0 });
    const status = (JSON.parse(readFileSync(join(host.root, 'run', 'qemu', 'g5.json'), 'utf8')) as { data: { pid: number } }).data;
    process.kill(status.pid, 'SIGKILL');
    expect(virsh('list', '--all').out).not.toContain('g5');
    expect(taps()).toEqual([]);
    expect(virsh('net-port-list', 'qn').out.split('\n').slice(2).filter((l) => l.trim())).toEqual([]);
  });

  it('a start that fails after plugging (QEMU cannot run) leaves no tap and no port', () => {
    const iface = `<interface type='network'><source network='qn'/><mac address='${MAC}'/><model type='virtio'/></interface>`;
    expect(virsh('create', file('bad.xml', domainXML('g2', iface, '/bin/false'))).status).toBe(1);
    expect(taps()).toEqual([]);
    expect(virsh('net-port-list', 'qn').out.split('\n').slice(2).filter((l) => l.trim())).toEqual([]);
  });

  it('a network that does not exist is refused with libvirt\'s words, plugging nothing', () => {
    const iface = `<interface type='network'><source network='nope'/><mac address='${MAC}'/></interface>`;
    expect(virsh('create', file('nope.xml', domainXML('g3', iface)))).toMatchObject({
      status: 1, err: expect.stringContaining("error: Network not found: no network with matching name 'nope'") });
    expect(taps()).toEqual([]);
  });

  it('type bridge plugs into the host bridge directly', () => {
    const iface = `<interface type='bridge'><source bridge='${br()}'/><mac address='${MAC}'/><model type='e1000'/></interface>`;
    expect(virsh('create', file('b.xml', domainXML('g4', iface)))).toMatchObject({ status: 0 });
    expect(inNs(host.ns, 'ip', '-o', 'link', 'show', 'vnet0')).toContain(`master ${br()}`);
    expect(virsh('destroy', 'g4')).toMatchObject({ status: 0 });
    expect(taps()).toEqual([]);
  });
});
