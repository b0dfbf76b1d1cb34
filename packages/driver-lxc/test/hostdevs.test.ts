import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SLEEPER, containerXML, inside, openedRoot, until, whyNoContainers } from './helpers.js';
import { CLI } from './tsvirsh.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc hostdev tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the hostdev tests cannot run: ${skip}`);

const uniq = () => `h${process.pid}${Math.floor(Math.random() * 1e6)}`;
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });
const devicesList = (name: string) => readFileSync(join(run('sh', ['-c', `ls -d /sys/fs/cgroup/devices/machine/*-${name}.libvirt-lxc`]).trim(), 'devices.list'), 'utf8');
/** `ls -l`'s type, mode and numbers of a node inside the container. */
const nodeInside = (pid: number, path: string) => inside(pid, ['ls', '-l', path]).trim().replace(/\s+/g, ' ').split(' ').filter((_, i) => i === 0 || i === 4 || i === 5).join(' ');
const numbers = (path: string) => {
  const r = statSync(path).rdev;
  return `${Math.floor(r / 256) & 0xfff}:${(r & 0xff) | ((r >> 12) & 0xfff00)}`;
};

describe.skipIf(skip)('<hostdev> in containers', () => {
  const { root, conn, rootfs } = openedRoot();
  let loop = '';
  beforeAll(() => {
    const img = join(root.dir, 'disk.img');
    run('truncate', ['-s', '4M', img]);
    loop = run('losetup', ['-f', '--show', img]).trim();
  });
  afterAll(() => {
    if (loop) execFileSync('losetup', ['-d', loop]);
  });

  it("storage and misc: the host's node in the container's /dev, allowed in its cgroup", async () => {
    const name = uniq();
    const extra = `<hostdev mode='capabilities' type='storage'><source><block>${loop}</block></source></hostdev>
      <hostdev mode='capabilities' type='misc'><source><char>/dev/net/tun</char></source></hostdev>`;
    const d = await conn().createXML(containerXML(name, rootfs(), SLEEPER, { extra }));
    const { pid } = root.init(name);
    const [bmaj, bmin] = numbers(loop).split(':');
    expect(nodeInside(pid, loop)).toBe(`brwx------ ${bmaj}, ${bmin}`);
    expect(nodeInside(pid, '/dev/net/tun')).toBe('crwx------ 10, 200');
    expect(devicesList(name)).toContain(`b ${numbers(loop)} rwm\n`);
    expect(devicesList(name)).toContain('c 10:200 rwm\n');
    // The cgroup lets the container read the disk it was given.
    expect(inside(pid, ['sh', '-c', `cat ${loop} > /dev/null && echo read`]).trim()).toBe('read');
    await d.destroy();
  });

  it('usb: found by vendor/product or bus/device in sysfs, its /dev/bus/usb node made', async () => {
    const sysfs = join(root.dir, 'usb-sysfs');
    const devfs = join(root.dir, 'usb-dev');
    const fake = (dir: string, vendor: string, product: string, bus: number, dev: number) => {
      mkdirSync(join(sysfs, dir), { recursive: true });
      for (const [f, v] of Object.entries({ idVendor: vendor, idProduct: product, busnum: String(bus), devnum: String(dev) })) writeFileSync(join(sysfs, dir, f), `${v}\n`);
      mkdirSync(join(devfs, String(bus).padStart(3, '0')), { recursive: true });
      run('mknod', [join(devfs, String(bus).padStart(3, '0'), String(dev).padStart(3, '0')), 'c', '189', String((bus - 1) * 128 + dev - 1)]);
    };
    fake('1-1', '1d6b', '0104', 1, 2);
    fake('1-2', 'abcd', '1234', 1, 3);
    fake('2-1', 'abcd', '1234', 2, 7);
    mkdirSync(join(sysfs, '1-1:1.0'));
    process.env['TSVIRT_USB_SYSFS'] = sysfs;
    process.env['TSVIRT_USB_DEVFS'] = devfs;
    try {
      const name = uniq();
      const extra = `<hostdev mode='subsystem' type='usb'><source><vendor id='0x1d6b'/><product id='0x0104'/></source></hostdev>
        <hostdev mode='subsystem' type='usb'><source><address bus='2' device='7'/></source></hostdev>`;
      const d = await conn().createXML(containerXML(name, rootfs(), SLEEPER, { extra }));
      const { pid } = root.init(name);
      expect(nodeInside(pid, '/dev/bus/usb/001/002')).toBe('crwx------ 189, 1');
      expect(nodeInside(pid, '/dev/bus/usb/002/007')).toBe('crwx------ 189, 134');
      expect(devicesList(name)).toContain('c 189:1 rwm\n');
      expect(devicesList(name)).toContain('c 189:134 rwm\n');
      await d.destroy();
      const refused: Array<[string, string]> = [
        ["<vendor id='0x1111'/><product id='0x2222'/>", 'internal error: Did not find USB device 1111:2222'],
        ["<address bus='3' device='1'/>", 'internal error: Did not find USB device bus:3 device:1'],
        ["<vendor id='0xabcd'/><product id='0x1234'/>", 'internal error: Multiple USB devices for abcd:1234, use <address> to specify one'],
        ["<vendor id='0xabcd'/><product id='0x1234'/><address bus='1' device='9'/>", 'internal error: Did not find matching USB device: vid:abcd, pid:1234, bus:1, device:9'],
      ];
      for (const [source, message] of refused) {
        const n = uniq();
        await expect(conn().createXML(containerXML(n, rootfs(), SLEEPER, { extra: `<hostdev mode='subsystem' type='usb'><source>${source}</source></hostdev>` }))).rejects.toThrow(message);
        expect(root.stateFiles().filter((f) => f.startsWith(n))).toEqual([]);
      }
      process.env['TSVIRT_USB_SYSFS'] = join(root.dir, 'no-such-sysfs');
      await expect(conn().createXML(containerXML(uniq(), rootfs(), SLEEPER, { extra: "<hostdev mode='subsystem' type='usb'><source><address bus='1' device='2'/></source></hostdev>" })))
        .rejects.toThrow(`cannot open directory '${root.dir}/no-such-sysfs': No such file or directory`);
    } finally {
      delete process.env['TSVIRT_USB_SYSFS'];
      delete process.env['TSVIRT_USB_DEVFS'];
    }
  });

  it("refuses what libvirt refuses, in libvirt 9.0's words, leaving nothing", async () => {
    const setup = (m: string) => `internal error: Timed out while reading log output: Failure in libvirt_lxc startup: ${m}\n`;
    const img = join(root.dir, 'disk.img');
    const cases: Array<[string, string]> = [
      [`<hostdev mode='capabilities' type='storage'><source><block>/dev/nonexist</block></source></hostdev>`, setup('Unable to access /dev/nonexist: No such file or directory')],
      [`<hostdev mode='capabilities' type='storage'><source><block>${img}</block></source></hostdev>`, setup(`unsupported configuration: Storage source ${img} must be a block device`)],
      [`<hostdev mode='capabilities' type='misc'><source><char>${img}</char></source></hostdev>`, setup(`unsupported configuration: Storage source ${img} must be a character device`)],
      ["<hostdev mode='subsystem' type='pci'><source><address domain='0' bus='0' slot='3' function='0'/></source></hostdev>", 'unsupported configuration: Unsupported hostdev type pci'],
      ["<hostdev mode='subsystem' type='scsi'><source><adapter name='scsi_host0'/><address bus='0' target='0' unit='0'/></source></hostdev>", 'unsupported configuration: Unsupported hostdev type scsi'],
    ];
    for (const [extra, message] of cases) {
      const name = uniq();
      await expect(conn().createXML(containerXML(name, rootfs(), SLEEPER, { extra }))).rejects.toThrow(message);
      expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
    }
  });
});

/**
 * A host interface moved into a container and back, in a network namespace the test makes (the
 * driver runs there through tsvirsh under `nsenter --net`, so the controller does too): a dummy
 * interface (a veth end), given in `<hostdev type='net'>` with an address and a route.
 */
describe.skipIf(skip)("<hostdev type='net'>", () => {
  const { root, rootfs } = openedRoot();
  const tag = randomBytes(3).toString('hex');
  const ns = `tsvlxh-${process.pid}-${tag}`;
  const dummy = `dm${tag}`;
  const tsvirsh = (...args: string[]) => {
    const r = spawnSync('nsenter', [`--net=/run/netns/${ns}`, process.execPath, CLI, '-c', root.uri, ...args], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const inNs = (...args: string[]) => run('nsenter', [`--net=/run/netns/${ns}`, ...args]);
  const hasDummy = () => inNs('ip', '-o', 'link', 'show').includes(`: ${dummy}@`);
  beforeAll(() => {
    run('ip', ['netns', 'add', ns]);
    // This kernel has no dummy driver: one end of a veth pair stands in (its peer stays behind).
    inNs('ip', 'link', 'add', dummy, 'type', 'veth', 'peer', 'name', `${dummy}p`);
  });
  afterAll(() => {
    tsvirsh('destroy', 'hn1');
    run('ip', ['netns', 'del', ns]);
  }, 180_000);

  it('moves the interface in with its addresses and route, and back however the container ends', async () => {
    const xml = (name: string, init: string) => {
      const file = join(root.dir, `${name}.xml`);
      writeFileSync(file, containerXML(name, rootfs(), init, { extra: `<hostdev mode='capabilities' type='net'><source><interface>${dummy}</interface></source>
        <ip address='10.77.0.2' family='ipv4' prefix='24'/><route family='ipv4' address='10.78.0.0' prefix='16' gateway='10.77.0.1'/></hostdev>` }));
      return file;
    };
    expect(tsvirsh('create', xml('hn1', SLEEPER))).toMatchObject({ status: 0 });
    const { pid } = root.init('hn1');
    expect(hasDummy()).toBe(false);
    const link = run('nsenter', ['-t', String(pid), '-n', 'ip', '-o', 'addr', 'show', 'dev', dummy]);
    expect(link).toContain('inet 10.77.0.2/24');
    expect(run('nsenter', ['-t', String(pid), '-n', 'ip', 'route'])).toContain(`10.78.0.0/16 via 10.77.0.1 dev ${dummy}`);
    expect(tsvirsh('destroy', 'hn1')).toMatchObject({ status: 0 });
    expect(await until(hasDummy)).toBe(true);

    // An init that exits by itself gives it back too.
    expect(tsvirsh('create', xml('hn2', 'sleep 1'))).toMatchObject({ status: 0 });
    expect(hasDummy()).toBe(false);
    expect(await until(hasDummy, 15_000)).toBe(true);
    // the interface is back before the controller has removed the transient domain's files
    expect(await until(() => root.stateFiles().every((f) => !f.startsWith('hn2')), 60_000)).toBe(true);

    // A missing interface fails the start in libvirt_lxc's words, leaving nothing.
    const missing = join(root.dir, 'missing.xml');
    writeFileSync(missing, readFileSync(xml('hn3', SLEEPER), 'utf8').replace(dummy, 'nonexist0'));
    const r = tsvirsh('create', missing);
    expect(r.err).toMatch(/error: internal error: Timed out while reading log output: Failure in libvirt_lxc startup: internal error: Child process \(ip link set nonexist0 netns \d+\) unexpected exit status 1: Cannot find device "nonexist0"\n/);
    expect(root.stateFiles().filter((f) => f.startsWith('hn'))).toEqual([]);
  }, 180_000);
});
