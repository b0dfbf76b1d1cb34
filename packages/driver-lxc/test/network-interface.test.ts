import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLEEPER, TestRoot, containerXML, inside, until, whyNoContainers } from './helpers.js';
import { CLI } from './tsvirsh.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc network interface tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the network interface tests cannot run: ${skip}`);

const MAC = '52:54:00:77:00:02';
/** udhcpc's script: puts the leased address on the interface. */
const DHCP_SCRIPT = '#!/bin/sh\n[ "$1" = bound ] && /bin/busybox ip addr add "$ip/$mask" dev "$interface"\nexit 0\n';

/**
 * secondary-network and this driver together, through tsvirsh on one `lxc:///embed` root, run
 * inside a network namespace the test makes (`nsenter --net`, not `ip netns exec`, which would
 * remount /sys and hide the host's cgroups): a NAT network, a container whose `type='network'`
 * interface gets a port and a veth on the network's bridge, and the port given back however the
 * container ends.
 */
describe.skipIf(skip)('an LXC container on a virtual network', () => {
  const tag = randomBytes(3).toString('hex');
  const ns = `tsvlxc-${process.pid}-${tag}`;
  const br = `lb${tag}`;
  const root = new TestRoot();
  let rootfs: string;
  const run = (...args: string[]) => {
    const r = spawnSync('nsenter', [`--net=/run/netns/${ns}`, process.execPath, CLI, '-c', root.uri, ...args], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const inNs = (...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...args], { encoding: 'utf8' });
  const file = (name: string, text: string) => {
    writeFileSync(join(root.dir, name), text);
    return join(root.dir, name);
  };
  const onBridge = () => inNs('ip', '-o', 'link', 'show', 'master', br).split('\n').filter((l) => l.trim()).map((l) => l.split(':')[1]!.trim().split('@')[0]!);
  const veths = () => inNs('ip', '-o', 'link', 'show', 'type', 'veth').trim();
  const ports = () => run('net-port-list', 'ln').out.split('\n').slice(2).map((l) => l.trim()).filter(Boolean);
  const nic = (extra = '') => `<interface type='network'><source network='ln'/><mac address='${MAC}'/></interface>${extra}`;

  beforeAll(() => {
    // dnsmasq reads its files as its own unprivileged user.
    chmodSync(root.dir, 0o755);
    rootfs = root.rootfs();
    writeFileSync(join(rootfs, 'bin', 'dhcp-script'), DHCP_SCRIPT, { mode: 0o755 });
    execFileSync('ip', ['netns', 'add', ns]);
    inNs('ip', 'link', 'set', 'lo', 'up');
    const net = `<network><name>ln</name><forward mode='nat'/><bridge name='${br}'/>
      <ip address='192.168.77.1' netmask='255.255.255.0'><dhcp><range start='192.168.77.2' end='192.168.77.9'/></dhcp></ip></network>`;
    expect(run('net-create', file('n.xml', net))).toMatchObject({ status: 0 });
  });
  afterAll(async () => {
    for (const d of ['c1', 'c2', 'c3', 'c5']) run('destroy', d);
    run('net-destroy', 'ln');
    execFileSync('ip', ['netns', 'del', ns]);
    await root.cleanup();
  }, 60_000);

  it('plugs a veth into the bridge, the peer inside as eth0; DHCP and ping work; destroy gives all back', () => {
    const made = run('create', file('c1.xml', containerXML('c1', rootfs, SLEEPER, { extra: nic() })));
    expect(made.err).toBe('');
    const host = onBridge();
    expect(host).toHaveLength(1);
    expect(host[0]).toMatch(/^veth/);
    const held = ports();
    expect(held).toHaveLength(1);
    expect(run('net-port-dumpxml', 'ln', held[0]!).out).toContain('<name>c1</name>');
    const { pid } = root.init('c1');
    expect(inside(pid, ['/bin/busybox', 'ip', '-o', 'link', 'show', 'eth0'])).toContain(MAC);
    const dhcp = inside(pid, ['/bin/sh', '-c', 'busybox udhcpc -i eth0 -n -q -t 5 -s /bin/dhcp-script 2>&1'], ['-m', '-n', '-p']);
    expect(dhcp).toMatch(/lease of 192\.168\.77\.\d+ obtained/);
    expect(inside(pid, ['/bin/busybox', 'ping', '-c', '1', '-W', '5', '192.168.77.1'], ['-m', '-n', '-p'])).toContain('1 packets received');
    expect(run('net-dhcp-leases', 'ln').out).toContain(MAC);

    expect(run('destroy', 'c1')).toMatchObject({ status: 0 });
    expect(onBridge()).toEqual([]);
    expect(veths()).toBe('');
    expect(ports()).toEqual([]);
  });

  it('gives the port back when init exits by itself', async () => {
    expect(run('create', file('c2.xml', containerXML('c2', rootfs, 'sleep 1', { extra: nic() }))).err).toBe('');
    expect(onBridge()).toHaveLength(1);
    // A transient domain whose init exited is gone: domstate fails once the port is back.
    expect(await until(() => run('domstate', 'c2').status !== 0, 15_000)).toBe(true);
    expect(onBridge()).toEqual([]);
    expect(veths()).toBe('');
    expect(ports()).toEqual([]);
  });

  it('gives the port back when the start fails after it was taken', () => {
    const bad = nic(`<interface type='bridge'><source bridge='nobr${tag}'/></interface>`);
    const r = run('create', file('c3.xml', containerXML('c3', rootfs, SLEEPER, { extra: bad })));
    expect(r.status).not.toBe(0);
    expect(r.err).toContain('error: Failed to create domain from');
    expect(onBridge()).toEqual([]);
    expect(veths()).toBe('');
    expect(ports()).toEqual([]);
  });

  it('refuses to start where no cgroup is mounted (ip netns exec remounts /sys), leaving nothing', () => {
    const r = spawnSync('ip', ['netns', 'exec', ns, process.execPath, CLI, '-c', root.uri, 'create', file('c5.xml', containerXML('c5', rootfs, SLEEPER, { extra: nic() }))], { encoding: 'utf8' });
    expect(r.stderr).toContain('error: At least one cgroup controller is required: No such device or address');
    expect(veths()).toBe('');
    expect(ports()).toEqual([]);
  });

  it('names the network that does not exist', () => {
    const xml = containerXML('c3', rootfs, SLEEPER, { extra: "<interface type='network'><source network='nonet'/></interface>" });
    expect(run('create', file('c4.xml', xml)).err).toContain("Network not found: no network with matching name 'nonet'");
    expect(veths()).toBe('');
  });
});
