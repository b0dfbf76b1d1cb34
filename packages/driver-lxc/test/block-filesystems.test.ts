import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainState } from '@tsvirt/api';
import { SLEEPER, containerXML, inside, openedRoot, until, whyNoContainers } from './helpers.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc block filesystem tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the block filesystem tests cannot run: ${skip}`);

const uniq = () => `b${process.pid}${Math.floor(Math.random() * 1e6)}`;
const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

/** Loop devices backed by `file`, as `losetup` lists them. */
const loopsOf = (file: string) => run('losetup', ['-j', file]).trim().split('\n').filter(Boolean).map((l) => l.split(':')[0]!);
/** The container's mounts as `target fstype source options` lines. */
const mountsOf = (pid: number) => inside(pid, ['cat', '/proc/self/mountinfo']).trim().split('\n').map((l) => {
  const f = l.split(' ');
  const dash = f.indexOf('-');
  return { target: f[4]!, options: f[5]!, type: f[dash + 1]!, source: f[dash + 2]!, dev: f[2]! };
});
const devicesList = (name: string) => {
  const dir = run('sh', ['-c', `ls -d /sys/fs/cgroup/devices/machine/*-${name}.libvirt-lxc`]).trim();
  return readFileSync(join(dir, 'devices.list'), 'utf8');
};

describe.skipIf(skip)("<filesystem type='file'> and type='block'", () => {
  const { root, conn, rootfs } = openedRoot();
  const made: string[] = [];
  /** An ext2 image of `mib` MiB holding `from` (a directory) if given. */
  const image = (name: string, mib: number, from?: string) => {
    const file = join(root.dir, `${name}.img`);
    run('mkfs.ext2', ['-q', '-F', ...(from ? ['-d', from] : []), file, `${mib}M`]);
    return file;
  };
  afterAll(() => {
    for (const dev of made) execFileSync('losetup', ['-d', dev], { stdio: 'ignore' });
  });

  it('mounts a raw image through a loop device, readonly honoured, and releases the device on destroy', async () => {
    const name = uniq();
    const data = join(root.dir, `${name}-data`);
    mkdirSync(data);
    writeFileSync(join(data, 'hello'), 'from-image');
    const rw = image(`${name}-rw`, 8, data);
    const ro = image(`${name}-ro`, 8, data);
    const extra = `<filesystem type='file'><driver type='loop' format='raw'/><source file='${rw}'/><target dir='/mnt/rw'/></filesystem>
      <filesystem type='file'><source file='${ro}'/><target dir='/mnt/ro'/><readonly/></filesystem>`;
    const d = await conn().createXML(containerXML(name, rootfs(), SLEEPER, { extra }));
    const { pid } = root.init(name);
    const [rwLoop] = loopsOf(rw);
    const [roLoop] = loopsOf(ro);
    expect(rwLoop).toMatch(/^\/dev\/loop\d+$/);
    expect(roLoop).toMatch(/^\/dev\/loop\d+$/);
    const mounts = mountsOf(pid);
    const rwMount = mounts.find((m) => m.target === '/mnt/rw')!;
    const roMount = mounts.find((m) => m.target === '/mnt/ro')!;
    expect(rwMount).toMatchObject({ type: 'ext2', source: rwLoop });
    expect(rwMount.options).toMatch(/^rw/);
    expect(roMount).toMatchObject({ type: 'ext2', source: roLoop });
    expect(roMount.options).toMatch(/^ro/);
    expect(inside(pid, ['cat', '/mnt/ro/hello'])).toBe('from-image');
    inside(pid, ['sh', '-c', 'echo written > /mnt/rw/new']);
    expect(() => inside(pid, ['sh', '-c', 'echo x > /mnt/ro/new'])).toThrow();
    // The loop device's flags: read-only for the readonly one, and cleared when no longer used.
    expect(readFileSync(`/sys/block/${roLoop!.slice(5)}/ro`, 'utf8').trim()).toBe('1');
    expect(readFileSync(`/sys/block/${roLoop!.slice(5)}/loop/autoclear`, 'utf8').trim()).toBe('1');
    // The devices cgroup lets the container use exactly those (read-only one read only).
    const major = (dev: string) => readFileSync(`/sys/block/${dev.slice(5)}/dev`, 'utf8').trim();
    expect(devicesList(name)).toContain(`b ${major(rwLoop!)} rw\n`);
    expect(devicesList(name)).toContain(`b ${major(roLoop!)} r\n`);
    // The live XML keeps the image, as libvirt's does.
    expect(await d.getXMLDesc()).toContain(`<source file='${rw}'/>`);
    await d.destroy();
    expect(await until(() => loopsOf(rw).length === 0 && loopsOf(ro).length === 0)).toBe(true);
    // What the container wrote is in the image.
    expect(run('debugfs', ['-R', 'cat /new', rw]).trim()).toBe('written');
  });

  it('boots from an image root and from a block device root, init found inside', async () => {
    const name = uniq();
    const img = image(`${name}-root`, 16, rootfs());
    const fromImage = containerXML(name, rootfs(), SLEEPER).replace(/<filesystem type='mount'><source dir='[^']*'\/><target dir='\/'\/><\/filesystem>/,
      `<filesystem type='file'><source file='${img}'/><target dir='/'/></filesystem>`);
    const d = await conn().createXML(fromImage);
    const { pid } = root.init(name);
    const [loop] = loopsOf(img);
    expect(mountsOf(pid)[0]).toMatchObject({ target: '/', type: 'ext2', source: loop });
    expect(inside(pid, ['hostname']).trim()).toBe(name);
    // The stage directory the root was mounted on is the container's alone.
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain(`${name}.root`);
    await d.destroy();
    expect(await until(() => loopsOf(img).length === 0)).toBe(true);
    expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);

    const dev = run('losetup', ['-f', '--show', img]).trim();
    made.push(dev);
    const blockName = uniq();
    const fromBlock = containerXML(blockName, rootfs(), SLEEPER).replace(/<filesystem type='mount'><source dir='[^']*'\/><target dir='\/'\/><\/filesystem>/,
      `<filesystem type='block'><source dev='${dev}'/><target dir='/'/><readonly/></filesystem>`);
    const b = await conn().createXML(fromBlock);
    const bpid = root.init(blockName).pid;
    const rootMount = mountsOf(bpid)[0]!;
    expect(rootMount).toMatchObject({ target: '/', type: 'ext2', source: dev });
    expect(rootMount.options).toMatch(/^ro/);
    expect(await b.getState()).toEqual([DomainState.RUNNING, 1]);
    await b.destroy();
  });

  it('a failing start and an init that exits release the loop devices too', async () => {
    const name = uniq();
    const img = image(`${name}-empty`, 8);
    // The image root has no init: the helper fails after the loop device was made.
    const noInit = containerXML(name, rootfs(), SLEEPER).replace(/<filesystem type='mount'><source dir='[^']*'\/><target dir='\/'\/><\/filesystem>/,
      `<filesystem type='file'><source file='${img}'/><target dir='/'/></filesystem>`);
    await expect(conn().createXML(noInit)).rejects.toThrow(/cannot find init path '\/bin\/sh' relative to container root: No such file or directory/);
    expect(await until(() => loopsOf(img).length === 0)).toBe(true);
    expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);

    const quick = uniq();
    const data = image(`${quick}-data`, 8);
    const d = await conn().createXML(containerXML(quick, rootfs(), 'sleep 1', { extra: `<filesystem type='file'><source file='${data}'/><target dir='/data'/></filesystem>` }));
    expect(loopsOf(data)).toHaveLength(1);
    // A transient domain is gone once its init has exited.
    expect(await until(() => d.getState().then((s) => s[0] === DomainState.SHUTOFF, () => true), 15_000)).toBe(true);
    expect(await until(() => loopsOf(data).length === 0)).toBe(true);
  });

  it('refuses what libvirt_lxc refuses, in its words, leaving nothing', async () => {
    const img = image(`${uniq()}-x`, 8);
    const fs = (driver: string, src = `file='${img}'`, type = 'file') => `<filesystem type='${type}'>${driver}<source ${src}/><target dir='/mnt/x'/></filesystem>`;
    const cases: Array<[string, string]> = [
      [fs("<driver type='loop' format='qcow2'/>"), "internal error: Timed out while reading log output: Failure in libvirt_lxc startup: unsupported configuration: fs format qcow2 is not supported\n"],
      [fs("<driver type='ploop'/>"), "internal error: Timed out while reading log output: Failure in libvirt_lxc startup: unsupported configuration: fs driver ploop is not supported\n"],
      [fs("<driver type='nbd'/>"), 'internal error: Timed out while reading log output: Failure in libvirt_lxc startup: unsupported configuration: An explicit disk format must be specified\n'],
      [fs('', `file='${root.dir}/missing.img'`), `Failed to access '${root.dir}/missing.img': No such file or directory`],
      [fs('', `dev='${root.dir}/missing'`, 'block'), `Failed to access '${root.dir}/missing': No such file or directory`],
    ];
    for (const [extra, message] of cases) {
      const name = uniq();
      await expect(conn().createXML(containerXML(name, rootfs(), SLEEPER, { extra }))).rejects.toThrow(message);
      expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
    }
    expect(loopsOf(img)).toEqual([]);
  });

  /**
   * nbd images (`<driver type='nbd' format=…>`, the default for a non-raw format): libvirt_lxc's
   * steps and refusals, in libvirt 9.0's words (recorded with virsh on a private libvirtd).
   * This kernel has no nbd driver (CONFIG_BLK_DEV_NBD is not set, and it loads no modules), so a
   * start refuses as libvirt's does here; the later steps run against a fake sysfs
   * (TSVIRT_NBD_SYSFS) with the real qemu-nbd, which then cannot open the device it is given,
   * and every refusal leaves nothing: no qemu-nbd, no state, no cgroup.
   */
  it("nbd images: libvirt_lxc's steps and refusals, the real qemu-nbd run, nothing left", async () => {
    const qcow2 = join(root.dir, `${uniq()}.qcow2`);
    run('qemu-img', ['create', '-q', '-f', 'qcow2', qcow2, '8M']);
    const fs = (driver: string) => `<filesystem type='file'>${driver}<source file='${qcow2}'/><target dir='/mnt/x'/></filesystem>`;
    const refused = async (extra: string, message: string) => {
      const name = uniq();
      await expect(conn().createXML(containerXML(name, rootfs(), SLEEPER, { extra }))).rejects.toThrow(message);
      expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
      expect(readdirSync('/sys/fs/cgroup/memory/machine').filter((d) => d.endsWith(`-${name}.libvirt-lxc`))).toEqual([]);
    };
    const setup = 'internal error: Timed out while reading log output: Failure in libvirt_lxc startup: ';
    if (!existsSync('/sys/module/nbd')) {
      await refused(fs("<driver type='nbd' format='qcow2'/>"), `${setup}internal error: Failed to load nbd module\n`);
      await refused(fs("<driver format='qcow2'/>"), `${setup}internal error: Failed to load nbd module\n`);
    }
    const fake = join(root.dir, `nbd-sysfs-${uniq()}`);
    mkdirSync(join(fake, 'module', 'nbd'), { recursive: true });
    mkdirSync(join(fake, 'block', 'nbd0'), { recursive: true });
    writeFileSync(join(fake, 'block', 'nbd0', 'pid'), '1\n');
    const path = process.env['PATH'];
    process.env['TSVIRT_NBD_SYSFS'] = fake;
    try {
      await refused(fs("<driver type='nbd' format='qcow2'/>"), `${setup}No free NBD devices: Device or resource busy\n`);
      // /dev/nbd9 is free in the fake tree, but there is no such device: qemu-nbd says so.
      mkdirSync(join(fake, 'block', 'nbd9'));
      process.env['PATH'] = '/nonexistent';
      await refused(fs("<driver type='nbd' format='qcow2'/>"), `${setup}Unable to find 'qemu-nbd' binary in $PATH: No such file or directory\n`);
      process.env['PATH'] = path;
      const bin = run('sh', ['-c', 'command -v qemu-nbd']).trim();
      await refused(fs("<driver type='nbd' format='qcow2'/>"), `${setup}internal error: Child process (${bin} --format qcow2 -n -c /dev/nbd9 ${qcow2}) unexpected exit status 1: qemu-nbd: Failed to open /dev/nbd9: No such file or directory\n`);
      await refused(`<filesystem type='file'><driver type='nbd' format='qcow2'/><source file='${qcow2}'/><target dir='/mnt/x'/><readonly/></filesystem>`, `${setup}internal error: Child process (${bin} --format qcow2 -r -n -c /dev/nbd9 ${qcow2}) unexpected exit status 1: qemu-nbd: Failed to open /dev/nbd9: No such file or directory\n`);
    } finally {
      process.env['PATH'] = path;
      delete process.env['TSVIRT_NBD_SYSFS'];
    }
    expect(run('sh', ['-c', `pgrep -f '[q]emu-nbd.*${qcow2}' || true`])).toBe('');
  });
});
