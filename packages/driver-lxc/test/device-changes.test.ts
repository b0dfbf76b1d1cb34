import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLEEPER, containerXML, inside, openedRoot, until, whyNoContainers } from './helpers.js';
import { CLI } from './tsvirsh.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc device change tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the device change tests cannot run: ${skip}`);

const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

/**
 * attach-device and detach-device on a running container, `--live`, `--config` and both, through
 * tsvirsh run inside a network namespace the test makes (with a bridge of its own), so the veths
 * of attached interfaces are made there. The refusals are libvirt 9.0's LXC driver's, recorded
 * from virsh against a private libvirtd on the same XML.
 */
describe.skipIf(skip)('live and persistent device changes', () => {
  const { root, rootfs } = openedRoot();
  const tag = randomBytes(3).toString('hex');
  const ns = `tsvlxd-${process.pid}-${tag}`;
  const br = `db${tag}`;
  const name = `dc${tag}`;
  let loop = '';
  const tsvirsh = (...args: string[]) => {
    const r = spawnSync('nsenter', [`--net=/run/netns/${ns}`, process.execPath, CLI, '-c', root.uri, ...args], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const inNs = (...args: string[]) => run('nsenter', [`--net=/run/netns/${ns}`, ...args]);
  const file = (text: string) => {
    const path = join(root.dir, `dev-${randomBytes(4).toString('hex')}.xml`);
    writeFileSync(path, text);
    return path;
  };
  /** tsvirsh's whole answer to attach-device or detach-device of `xml` with `flags`. */
  const change = (op: 'attach' | 'detach', xml: string, ...flags: string[]) => {
    const f = file(xml);
    const r = tsvirsh(`${op}-device`, name, f, ...flags);
    return r.status === 0 ? r.out : r.err.replace(f, 'FILE');
  };
  const refusal = (op: 'attach' | 'detach', message: string) => `error: Failed to ${op} device from FILE\nerror: ${message}\n`;
  const devicesList = () => readFileSync(join(run('sh', ['-c', `ls -d /sys/fs/cgroup/devices/machine/*-${name}.libvirt-lxc`]).trim(), 'devices.list'), 'utf8');
  const init = () => root.init(name).pid;
  const live = () => tsvirsh('dumpxml', name).out;
  const inactive = () => tsvirsh('dumpxml', '--inactive', name).out;
  const veths = () => inNs('ip', '-o', 'link', 'show', 'type', 'veth').trim();

  beforeAll(() => {
    const img = join(root.dir, 'disk.img');
    run('truncate', ['-s', '4M', img]);
    loop = run('losetup', ['-f', '--show', img]).trim();
    run('ip', ['netns', 'add', ns]);
    inNs('ip', 'link', 'add', br, 'type', 'bridge');
    inNs('ip', 'link', 'set', br, 'up');
    expect(tsvirsh('define', file(containerXML(name, rootfs(), `trap "reboot -f" HUP; ${SLEEPER}`)))).toMatchObject({ status: 0 });
  });
  afterAll(() => {
    tsvirsh('destroy', name);
    run('ip', ['netns', 'del', ns]);
    if (loop) run('losetup', ['-d', loop]);
  });

  it('refuses live changes of a stopped container', () => {
    const hostdev = `<hostdev mode='capabilities' type='storage'><source><block>${loop}</block></source></hostdev>`;
    expect(change('attach', hostdev, '--live')).toBe(refusal('attach', 'Requested operation is not valid: domain is not running'));
    expect(change('detach', hostdev, '--live')).toBe(refusal('detach', 'Requested operation is not valid: domain is not running'));
  });

  it('hostdevs: the node made and allowed live, the definition changed with --config', () => {
    expect(tsvirsh('start', name)).toMatchObject({ status: 0 });
    const storage = `<hostdev mode='capabilities' type='storage'><source><block>${loop}</block></source></hostdev>`;
    const misc = "<hostdev mode='capabilities' type='misc'><source><char>/dev/net/tun</char></source></hostdev>";
    const numbers = readFileSync(`/sys/block/${loop.slice(5)}/dev`, 'utf8').trim();
    expect(change('attach', storage, '--live')).toBe('Device attached successfully\n\n');
    expect(change('attach', misc)).toBe('Device attached successfully\n\n');
    expect(inside(init(), ['ls', '-l', loop, '/dev/net/tun']).replace(/ +/g, ' ')).toMatch(new RegExp(`^brwx------ 1 root root ${numbers.replace(':', ', ')} .* ${loop}\ncrwx------ 1 root root 10, 200 .* /dev/net/tun\n$`));
    expect(devicesList()).toContain(`b ${numbers} rwm\n`);
    expect(devicesList()).toContain('c 10:200 rwm\n');
    expect(live()).toContain(`<block>${loop}</block>`);
    expect(inactive()).not.toContain('<hostdev');
    expect(change('attach', storage)).toBe(refusal('attach', 'operation failed: host device already exists'));
    expect(change('attach', storage, '--config')).toBe('Device attached successfully\n\n');
    expect(change('attach', storage, '--config')).toBe(refusal('attach', 'invalid argument: device is already in the domain configuration'));
    expect(inactive()).toContain(`<block>${loop}</block>`);

    expect(change('detach', storage, '--live', '--config')).toBe('Device detached successfully\n\n');
    expect(change('detach', misc, '--live')).toBe('Device detached successfully\n\n');
    expect(inside(init(), ['ls', '/dev', '/dev/net'])).not.toMatch(/loop|tun/);
    expect(devicesList()).not.toContain(`b ${numbers} rwm\n`);
    expect(devicesList()).not.toContain('c 10:200 rwm\n');
    expect(live()).not.toContain('<hostdev');
    expect(inactive()).not.toContain('<hostdev');
    expect(change('detach', storage)).toBe(refusal('detach', `operation failed: hostdev ${loop} not found`));
    expect(change('detach', storage, '--config')).toBe(refusal('detach', 'invalid argument: device not present in domain configuration'));

    const img = join(root.dir, 'disk.img');
    const refused: Array<[string, string]> = [
      ["<hostdev mode='capabilities' type='storage'><source><block>/dev/nonexist</block></source></hostdev>", 'Unable to access /dev/nonexist: No such file or directory'],
      [`<hostdev mode='capabilities' type='storage'><source><block>${img}</block></source></hostdev>`, `unsupported configuration: Hostdev source ${img} must be a block device`],
      [`<hostdev mode='capabilities' type='misc'><source><char>${img}</char></source></hostdev>`, `unsupported configuration: Hostdev source ${img} must be a block device`],
      ["<hostdev mode='capabilities' type='net'><source><interface>nonexist0</interface></source></hostdev>", 'unsupported configuration: Unsupported host device type net'],
      ["<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0' slot='3' function='0'/></source></hostdev>", 'unsupported configuration: Unsupported host device type pci'],
    ];
    for (const [xml, message] of refused) expect(change('attach', xml, '--live')).toBe(refusal('attach', message));
    expect(change('detach', refused[3]![0], '--live')).toBe(refusal('detach', 'unsupported configuration: Unsupported host device type net'));
    expect(devicesList()).not.toMatch(/^b 7:/m);
  });

  it('disks: a block device as /dev/TARGET, live and in the definition', () => {
    const disk = `<disk type='block' device='disk'><source dev='${loop}'/><target dev='sdb'/></disk>`;
    expect(change('attach', disk, '--live', '--config')).toBe('Device attached successfully\n\n');
    expect(inside(init(), ['ls', '-l', '/dev/sdb']).replace(/ +/g, ' ')).toMatch(/^brwx------ 1 root root 7, /);
    expect(change('attach', disk)).toBe(refusal('attach', 'operation failed: target sdb already exists'));
    expect(change('attach', disk, '--config')).toBe(refusal('attach', 'invalid argument: target sdb already exists.'));
    const file = `<disk type='file' device='disk'><source file='${join(root.dir, 'disk.img')}'/><target dev='sdc'/></disk>`;
    expect(change('attach', file, '--live')).toBe(refusal('attach', "unsupported configuration: Can't setup disk for non-block device"));
    expect(change('detach', disk, '--live', '--config')).toBe('Device detached successfully\n\n');
    expect(inside(init(), ['ls', '/dev'])).not.toContain('sdb');
    const missing = "<disk type='block' device='disk'><source dev='/dev/null'/><target dev='sdz'/></disk>";
    expect(change('detach', missing, '--live')).toBe(refusal('detach', 'operation failed: disk sdz not found'));
    expect(change('detach', missing, '--config')).toBe(refusal('detach', 'invalid argument: no target device sdz'));
  });

  it('interfaces: a veth on the bridge, its peer moved in; gone again on detach', () => {
    const mac = '52:54:00:5a:00:01';
    const nic = `<interface type='bridge'><source bridge='${br}'/><mac address='${mac}'/></interface>`;
    expect(change('attach', nic, '--live', '--config')).toBe('Device attached successfully\n\n');
    const host = /<interface type='bridge'>[\s\S]*?<target dev='([^']+)'\/>/.exec(live())?.[1];
    expect(host).toMatch(/^veth/);
    expect(inNs('ip', '-o', 'link', 'show', 'master', br)).toContain(`: ${host}@`);
    const guest = run('nsenter', ['-t', String(init()), '-n', 'ip', '-o', 'link', 'show', 'eth0']);
    expect(guest).toContain(`link/ether ${mac}`);
    expect(inactive()).toContain(`<mac address='${mac}'/>`);
    expect(change('attach', "<interface type='user'/>", '--live')).toBe(refusal('attach', 'unsupported configuration: Network device type is not supported'));
    expect(change('attach', "<interface type='bridge'><source bridge='nobr0'/></interface>", '--live')).toMatch(/^error: Failed to attach device from FILE\nerror: /);
    expect(veths().split('\n').filter(Boolean)).toHaveLength(1);
    const other = "<interface type='ethernet'><mac address='52:54:00:00:00:99'/></interface>";
    expect(change('detach', other, '--live')).toBe(refusal('detach', "device not found: no device found at address '(<null>)' matching MAC address '52:54:00:00:00:99' and alias '(<null>)'"));
    expect(change('detach', `<interface type='bridge'><mac address='${mac}'/></interface>`, '--live', '--config')).toBe('Device detached successfully\n\n');
    expect(veths()).toBe('');
    expect(live()).not.toContain('<interface');
    expect(inactive()).not.toContain('<interface');
    // Two interfaces and a detach that names neither by MAC: libvirt cannot tell which.
    expect(change('attach', "<interface type='ethernet'/>", '--live')).toBe('Device attached successfully\n\n');
    expect(change('attach', "<interface type='ethernet'/>", '--live')).toBe('Device attached successfully\n\n');
    expect(change('detach', "<interface type='ethernet'/>", '--live')).toBe(refusal('detach', 'operation failed: multiple matching devices found'));
  });

  it("filesystems cannot be attached or detached, live or persistent, as libvirt's LXC driver says", () => {
    const fs = `<filesystem type='mount'><source dir='${root.dir}'/><target dir='/mnt/t'/></filesystem>`;
    expect(change('attach', fs, '--live')).toBe(refusal('attach', "unsupported configuration: device type 'filesystem' cannot be attached"));
    expect(change('attach', fs)).toBe(refusal('attach', "unsupported configuration: device type 'filesystem' cannot be attached"));
    expect(change('attach', fs, '--config')).toBe(refusal('attach', 'unsupported configuration: persistent attach of device is not supported'));
    expect(change('detach', fs, '--live')).toBe(refusal('detach', "unsupported configuration: device type 'filesystem' cannot be detached"));
    expect(change('detach', fs, '--config')).toBe(refusal('detach', 'unsupported configuration: persistent detach of device is not supported'));
  });

  it('makes the devices attached live again after a reboot inside the container, not those detached', async () => {
    // The interfaces test left two ethernet interfaces attached live; a disk, a storage hostdev
    // and a bridge interface are attached now, and a misc hostdev attached and detached again.
    const mac = '52:54:00:5a:00:02';
    const disk = `<disk type='block' device='disk'><source dev='${loop}'/><target dev='sdb'/></disk>`;
    const storage = `<hostdev mode='capabilities' type='storage'><source><block>${loop}</block></source></hostdev>`;
    const misc = "<hostdev mode='capabilities' type='misc'><source><char>/dev/net/tun</char></source></hostdev>";
    for (const xml of [disk, storage, misc, `<interface type='bridge'><source bridge='${br}'/><mac address='${mac}'/></interface>`]) {
      expect(change('attach', xml, '--live')).toBe('Device attached successfully\n\n');
    }
    expect(change('detach', misc, '--live')).toBe('Device detached successfully\n\n');
    const links = (pid: number) => run('nsenter', ['-t', String(pid), '-n', 'ip', '-o', 'link', 'show', 'type', 'veth']).replace(/^\d+: /gm, '').replace(/@if\d+/g, '');
    const before = init();
    const linksBefore = links(before);
    expect(linksBefore.split('\n').filter(Boolean)).toHaveLength(3);
    expect(linksBefore).toContain(`link/ether ${mac}`);
    const hostVeths = veths().replace(/^\d+: /gm, '').replace(/@if\d+/g, '');
    const numbers = readFileSync(`/sys/block/${loop.slice(5)}/dev`, 'utf8').trim();

    expect(tsvirsh('reboot', name)).toMatchObject({ status: 0, out: `Domain '${name}' is being rebooted\n\n` });
    expect(await until(() => existsSync(join(root.stateDir(), `${name}.init`)) && init() !== before, 30_000)).toBe(true);
    const after = init();
    const node = (path: string) => inside(after, ['ls', '-l', path]).replace(/ +/g, ' ');
    expect(node('/dev/sdb')).toMatch(new RegExp(`^brwx------ 1 root root ${numbers.replace(':', ', ')} .* /dev/sdb\n$`));
    expect(node(loop)).toMatch(new RegExp(`^brwx------ 1 root root ${numbers.replace(':', ', ')} .* ${loop}\n$`));
    expect(inside(after, ['ls', '-R', '/dev'])).not.toContain('tun');
    expect(devicesList()).toContain(`b ${numbers} rwm\n`);
    expect(devicesList()).not.toContain('c 10:200 rwm\n');
    // The interfaces, the one attached live among them, with their names and MACs, on the same host veths.
    expect(links(after)).toBe(linksBefore);
    expect(veths().replace(/^\d+: /gm, '').replace(/@if\d+/g, '')).toBe(hostVeths);
    expect(live()).toContain(`<target dev='sdb'/>`);
    expect(live()).toContain(`<mac address='${mac}'/>`);
    expect(tsvirsh('domstate', name).out).toBe('running\n\n');
  });

  it('destroy takes the attached veths with it', () => {
    expect(veths()).not.toBe('');
    expect(tsvirsh('destroy', name)).toMatchObject({ status: 0 });
    expect(veths()).toBe('');
  });
});
