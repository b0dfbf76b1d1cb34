import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { statusData } from './helpers.js';
import { NetnsRoot } from './netns-root.js';

const MAC0 = '52:54:00:7a:00:01';
const MAC1 = '52:54:00:7a:00:02';
const MAC2 = '52:54:00:7a:00:03';

/**
 * Taps the driver opens itself and passes to QEMU as `-netdev tap,fd=N`, as libvirt 9.0 does:
 * real QEMU, on a bridge this test makes in a network namespace of its own, everything through
 * tsvirsh run inside it.
 */
describe('taps opened by the driver and passed to QEMU (network namespace, real QEMU)', () => {
  let host: NetnsRoot;
  const br = (): string => `qt${host.tag}`;
  const own = (): string => `tu${host.tag}`;
  const virsh = (...args: string[]): ReturnType<NetnsRoot['virsh']> => host.virsh(...args);
  const link = (dev: string): string => host.exec('ip', '-o', 'link', 'show', dev);
  const stat = (dev: string, name: string): number => Number(host.exec('cat', `/sys/class/net/${dev}/statistics/${name}`));
  const pidOf = (name: string): number => statusData(readFileSync(join(host.dir, `run/qemu/${name}.json`), 'utf8'))['pid'] as number;
  const netdevs = (pid: number): Array<Record<string, unknown>> => {
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    return argv.flatMap((a, i) => (a === '-netdev' ? [JSON.parse(argv[i + 1]!) as Record<string, unknown>] : []));
  };
  const guest = (name: string, nics: string): string => host.file(`${name}.xml`, `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
    <os><type arch='x86_64' machine='pc'>hvm</type></os><features><acpi/></features><devices>${nics}</devices></domain>`);

  beforeAll(() => {
    host = new NetnsRoot();
    host.exec('ip', 'link', 'add', br(), 'type', 'bridge');
    host.exec('ip', 'link', 'set', br(), 'up');
    // A tap of the host's own, persistent, for an unmanaged interface.
    host.exec('ip', 'tuntap', 'add', 'dev', own(), 'mode', 'tap');
  });
  afterAll(() => host.remove());

  it('bridge, ethernet and unmanaged ethernet NICs get the taps the driver opened, as fd=N; the guest side sends on the bridge; a hotplugged one comes through getfd', () => {
    const xml = guest('t1', `
      <interface type='bridge'><mac address='${MAC0}'/><source bridge='${br()}'/><model type='virtio'/></interface>
      <interface type='ethernet'><mac address='${MAC1}'/><model type='e1000'/></interface>
      <interface type='ethernet'><mac address='${MAC2}'/><target dev='${own()}' managed='no'/><model type='rtl8139'/></interface>`);
    expect(virsh('create', xml)).toMatchObject({ status: 0 });
    const pid = pidOf('t1');
    const taps = netdevs(pid);
    // libvirt 9.0's spelling: the descriptor as a string, no ifname; no vhost-net here (the host has no /dev/vhost-net).
    expect(taps).toEqual([0, 1, 2].map((i) => ({ type: 'tap', fd: expect.stringMatching(/^\d+$/), id: `hostnet${i}` })));
    for (const t of taps) expect(readlinkSync(`/proc/${pid}/fd/${t['fd'] as string}`)).toMatch(/\/net\/tun$/);
    // The taps: vnet0 on the bridge, vnet1 alone, both up with a carrier (QEMU holds them) and the guest's MAC behind FE.
    expect(link('vnet0')).toMatch(new RegExp(`<BROADCAST,MULTICAST,UP,LOWER_UP> .* master ${br()} .*link/ether fe:54:00:7a:00:01`));
    expect(link('vnet1')).toMatch(/<BROADCAST,MULTICAST,UP,LOWER_UP> .*link\/ether fe:54:00:7a:00:02/);
    expect(link('vnet1')).not.toMatch(/master/);
    expect(host.exec('ip', '-d', 'link', 'show', 'vnet0')).toMatch(/tun type tap pi off vnet_hdr on persist off/);
    expect(host.exec('ip', '-d', 'link', 'show', 'vnet1')).toMatch(/tun type tap pi off vnet_hdr off persist off/);
    // The unmanaged tap is opened as it is: not moved, renamed or brought up by the driver.
    expect(link(own())).not.toMatch(/master|,UP/);
    const dumpxml = virsh('dumpxml', 't1').out;
    expect(dumpxml).toContain("<target dev='vnet0'/>");
    expect(dumpxml).toContain("<target dev='vnet1'/>");
    expect(dumpxml).toContain(`<target dev='${own()}' managed='no'/>`);

    // Traffic: QEMU announces the NICs (RARP, as after a migration) through the taps it was given; the bridge receives them.
    const [tapBefore, brBefore] = [stat('vnet0', 'rx_packets'), stat(br(), 'rx_packets')];
    expect(virsh('qemu-monitor-command', 't1', '{"execute":"announce-self","arguments":{"initial":50,"max":100,"rounds":2,"step":10}}').status).toBe(0);
    for (let i = 0; i < 100 && stat('vnet0', 'rx_packets') < tapBefore + 2; i++) execFileSync('sleep', ['0.05']);
    expect(stat('vnet0', 'rx_packets')).toBeGreaterThanOrEqual(tapBefore + 2);
    expect(stat(br(), 'rx_packets')).toBeGreaterThan(brBefore);
    expect(stat('vnet1', 'rx_packets')).toBeGreaterThanOrEqual(2);

    // Hotplug of a multiqueue ethernet NIC: both queues' descriptors go to QEMU through getfd, then netdev_add names them.
    const eth = host.file('eth.xml', "<interface type='ethernet'><mac address='52:54:00:7a:00:04'/><model type='virtio'/><driver queues='2'/></interface>");
    expect(virsh('attach-device', 't1', eth, '--live')).toMatchObject({ status: 0 });
    const info = virsh('qemu-monitor-command', 't1', '--hmp', 'info network').out;
    const queues = [...info.matchAll(/hostnet3: index=(\d),type=tap,fd=(\d+)/g)];
    expect(queues.map((q) => q[1])).toEqual(['0', '1']);
    for (const q of queues) expect(readlinkSync(`/proc/${pid}/fd/${q[2]}`)).toMatch(/\/net\/tun$/);
    expect(host.exec('ip', '-d', 'link', 'show', 'vnet2')).toMatch(/tun type tap pi off vnet_hdr on multi_queue numqueues 1 numdisabled 1 persist off/);
    expect(link('vnet2')).toMatch(/UP,LOWER_UP/);

    expect(virsh('destroy', 't1').status).toBe(0);
    // The taps were QEMU's alone: they went with it; the host's own tap stays.
    expect(host.taps()).toEqual([]);
    expect(link(own())).toContain(own());
  });

  it('a multiqueue virtio NIC gets one descriptor a queue (fds=a:b) and QEMU multiqueue with 2N+2 vectors', () => {
    expect(virsh('create', guest('t4', `<interface type='bridge'><source bridge='${br()}'/><model type='virtio'/><driver queues='3'/></interface>`))).toMatchObject({ status: 0 });
    const pid = pidOf('t4');
    const [tap] = netdevs(pid);
    expect(tap).toEqual({ type: 'tap', fds: expect.stringMatching(/^\d+:\d+:\d+$/), id: 'hostnet0' });
    for (const fd of (tap!['fds'] as string).split(':')) expect(readlinkSync(`/proc/${pid}/fd/${fd}`)).toMatch(/\/net\/tun$/);
    const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    expect(JSON.parse(argv.find((a) => a.includes('"virtio-net-pci"'))!)).toMatchObject({ mq: true, vectors: 8, netdev: 'hostnet0' });
    // One queue a guest without a driver uses, the other two held but disabled by QEMU.
    expect(host.exec('ip', '-d', 'link', 'show', 'vnet0')).toMatch(/multi_queue numqueues 1 numdisabled 2 /);
    expect(virsh('destroy', 't4').status).toBe(0);
    expect(host.taps()).toEqual([]);
  });

  it('refuses what libvirt refuses, and a failed start leaves no tap, process, socket or descriptor behind', () => {
    const refused = (nic: string): string => virsh('create', guest('t2', nic)).err;
    expect(refused(`<interface type='ethernet'><target dev='qx${host.tag}' managed='no'/></interface>`))
      .toBe("error: Failed to create domain from " + join(host.dir, 't2.xml') + "\nerror: unsupported configuration: target managed='no' but specified dev doesn't exist\n");
    expect(refused(`<interface type='ethernet'><target dev='${br()}'/></interface>`)).toContain(`Unable to create tap device ${br()}: Device or resource busy`);
    expect(refused(`<interface type='ethernet'><model type='virtio'/><driver name='vhost'/></interface>`)).toContain('vhost-net was requested for an interface, but is unavailable');
    expect(refused(`<interface type='ethernet'><model type='e1000'/><driver queues='2'/></interface>`)).toContain('Multiqueue network is only supported for virtio');

    // A start that fails once the taps are open, in a process that lives on: nothing of it is left open.
    const fake = host.file('fake-qemu', '#!/bin/sh\necho "qemu: no" >&2\nexit 1\n');
    chmodSync(fake, 0o755);
    const script = `
      import { readdirSync } from 'node:fs';
      import { connect } from '@tsvirt/api';
      const conn = await connect(${JSON.stringify(host.uri)});
      const xml = (emulator) => \`<domain type='qemu'><name>t3</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os>
        <devices>\${emulator}<interface type='bridge'><source bridge='${br()}'/><model type='virtio'/></interface>
        <serial type='unix'><source mode='bind' path='${join(host.dir, 't3.sock')}'/></serial></devices></domain>\`;
      const fds = () => readdirSync('/proc/self/fd').length;
      const dom = await conn.defineXML(xml('<emulator>${fake}</emulator>'));
      const before = fds();
      const err = await dom.create().then(() => 'started', (e) => e.message);
      console.log(JSON.stringify({ err, leaked: fds() - before }));
      await conn.close();`;
    const out = execFileSync('ip', ['netns', 'exec', host.ns, 'node', '--input-type=module', '-e', script], { encoding: 'utf8', cwd: join(import.meta.dirname, '..') });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ err: 'internal error: process exited while connecting to monitor: qemu: no', leaked: 0 });
    expect(host.taps()).toEqual([]);
    expect(host.exec('ls', '-A', host.dir).split('\n')).not.toContain('t3.sock');
    expect(host.exec('ls', '-A', join(host.dir, 'run/qemu')).split('\n').filter((f) => f.startsWith('domain-'))).toEqual([]);
  });
});
