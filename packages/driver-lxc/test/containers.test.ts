import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainConsoleFlags, DomainEventDetail, DomainEventType, DomainShutoffReason, DomainState, VirError, typedULLong, type Connection } from '@tsvirt/api';
import { CONSOLE_HELLO } from '../src/controller/console-server.js';
import { SLEEPER, TestRoot, containerXML, inside, until, whyNoContainers, withFakeUnifiedTree } from './helpers.js';

const skip = whyNoContainers();
if (skip) console.log(`driver-lxc container tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the container tests cannot run: ${skip}`);

const uniq = () => `t${process.pid}${Math.floor(Math.random() * 1e6)}`;
const memCgroups = () => readdirSync('/sys/fs/cgroup/memory/machine').filter((d) => d.includes('.libvirt-lxc'));
const alive = (pid: number) => existsSync(`/proc/${pid}`) && !readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z');

/** Reads what the console socket gives within `ms`, after the controller's greeting. */
function consoleText(sock: string, ms = 1500): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    const s = createConnection(sock);
    s.on('connect', () => s.write(CONSOLE_HELLO.polite));
    s.on('data', (d) => (text += d.toString().replace(CONSOLE_HELLO.ok, '')));
    s.on('error', () => resolve(text));
    setTimeout(() => {
      s.destroy();
      resolve(text);
    }, ms);
  });
}

describe.skipIf(skip)('real containers on lxc:///embed', () => {
  const root = new TestRoot();
  let c: Connection;
  let rootfs: string;
  beforeAll(async () => {
    c = await root.open();
    rootfs = root.rootfs();
  });
  afterAll(() => root.cleanup());

  it('runs init as pid 1 of its own namespaces, named, mounted and limited as the XML says', async () => {
    const name = uniq();
    const shared = join(root.dir, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'f'), 'from-host');
    const extra = `<filesystem type='mount'><source dir='${shared}'/><target dir='/mnt/shared'/><readonly/></filesystem>
      <filesystem type='ram'><source usage='2048' units='KiB'/><target dir='/mnt/ram'/></filesystem>`;
    const d = await c.defineXML(containerXML(name, rootfs, SLEEPER, { extra, os: "<initenv name='FOO'>bar</initenv>", memKiB: 98304 }));
    await d.create();
    expect(await d.getState()).toEqual([DomainState.RUNNING, 1]);
    const { pid } = root.init(name);
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(new RegExp(`NSpid:\\s+${pid}\\s+1\\n`));
    expect(inside(pid, ['hostname']).trim()).toBe(name);
    expect(execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', '-o', 'link'], { encoding: 'utf8' }).trim()).toMatch(/^1: lo: <LOOPBACK,UP,LOWER_UP>[^\n]*$/);
    const mounts = inside(pid, ['cat', '/proc/self/mountinfo']).trim().split('\n').map((l) => l.split(' ')[4]);
    expect(mounts).toEqual(['/', '/mnt/shared', '/mnt/ram', '/proc', '/proc/sys', '/sys', '/proc/meminfo', '/dev', '/dev/pts', '/dev/console', '/dev/tty1']);
    // /proc/meminfo tells the container's memory limit and use, read again at every open, as libvirt's FUSE file does.
    const meminfo = (): Record<string, number> => Object.fromEntries(inside(pid, ['cat', '/proc/meminfo']).trim().split('\n')
      .map((l) => /^([^:]+):\s+(\d+)/.exec(l)).filter((m) => m !== null).map((m) => [m[1], Number(m[2])]));
    const first = meminfo();
    expect(first['MemTotal']).toBe(98304);
    expect(first['MemFree']).toBeGreaterThan(0);
    expect(first['MemFree']).toBeLessThan(98304);
    expect(first['MemAvailable']).toBe(first['MemFree']);
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['Cached', 'Active', 'Inactive', 'SwapTotal']));
    const info = inside(pid, ['cat', '/proc/self/mountinfo']);
    expect(info).toMatch(/ \/mnt\/shared ro,/);
    expect(info).toMatch(/ \/sys ro,/);
    expect(info).toMatch(/ \/mnt\/ram rw.*size=2048k/);
    expect(inside(pid, ['cat', '/mnt/shared/f'])).toBe('from-host');
    expect(() => inside(pid, ['sh', '-c', 'echo x > /mnt/shared/g'])).toThrow();
    const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(env).toEqual(expect.arrayContaining(['container=lxc-libvirt', `LIBVIRT_LXC_NAME=${name}`, `LIBVIRT_LXC_UUID=${d.getUUIDString()}`, 'FOO=bar', 'PATH=/bin:/sbin']));
    const leaf = memCgroups().find((x) => x.endsWith(`-${name}.libvirt-lxc`))!;
    expect(readFileSync(`/sys/fs/cgroup/memory/machine/${leaf}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(98304 * 1024));
    expect(readFileSync(`/sys/fs/cgroup/memory/machine/${leaf}/cgroup.procs`, 'utf8')).toContain(`${pid}\n`);
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(leaf);
    const mem = await d.memoryParameters();
    expect(mem.find((p) => p.field === 'hard_limit')?.value).toBe(98304n);
    const usage = (await d.getInfo()).memory;
    expect(usage).toBeGreaterThan(0);
    expect(usage).toBeLessThan(98304);
    await d.setMemoryParameters([typedULLong('hard_limit', 81920n)], 1);
    expect(meminfo()['MemTotal']).toBe(81920);
    expect(await consoleText(join(root.stateDir(), `${name}.console`))).toContain('hello-from-init');
    await d.destroy();
    expect(await d.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.DESTROYED]);
    expect(alive(pid)).toBe(false);
    expect(memCgroups().filter((x) => x.endsWith(`-${name}.libvirt-lxc`))).toEqual([]);
    expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([`${name}.json`]);
    await d.undefine();
    expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
  });

  it('opens the console (output, input) and the namespaces of init through the API', async () => {
    const name = uniq();
    const d = await c.createXML(containerXML(name, rootfs, 'echo ready; while read l; do echo got:$l; done'));
    const con = await d.openConsole();
    let text = '';
    con.on('data', (b: Buffer) => (text += b.toString()));
    expect(await until(() => text.includes('ready'))).toBe(true);
    con.write('ping\n');
    expect(await until(() => text.includes('got:ping'))).toBe(true);
    con.destroy();
    await expect(d.openConsole('serial0')).rejects.toThrow("internal error: cannot find console device 'serial0'");
    const ns = await d.lxcOpenNamespace();
    expect(ns.pid).toBe(root.init(name).pid);
    expect(ns.namespaces.map((n) => n.kind)).toEqual(['ipc', 'mnt', 'net', 'pid', 'uts']);
    const args = ns.namespaces.map((n) => `--${({ mnt: 'mount', ipc: 'ipc', net: 'net', pid: 'pid', uts: 'uts' } as Record<string, string>)[n.kind]}=${n.path}`);
    expect(execFileSync('nsenter', [...args, '/bin/hostname'], { encoding: 'utf8' }).trim()).toBe(name);
    await d.destroy();
    await expect(d.openConsole()).rejects.toThrow('Domain not found');
  });

  it('keeps one console session: another is refused in libvirt words unless it forces (console --force/--safe)', async () => {
    const name = uniq();
    const d = await c.createXML(containerXML(name, rootfs, 'echo ready; while read l; do echo got:$l; done'));
    const first = await d.openConsole(undefined, DomainConsoleFlags.SAFE);
    let firstText = '';
    first.on('data', (b: Buffer) => (firstText += b.toString()));
    expect(await until(() => firstText.includes('ready'))).toBe(true);
    for (const flags of [0, DomainConsoleFlags.SAFE]) {
      await expect(d.openConsole(undefined, flags)).rejects.toMatchObject({
        code: 9, message: 'operation failed: Active console session exists for this domain',
      });
    }
    const firstClosed = new Promise((r) => first.once('close', r));
    const second = await d.openConsole(undefined, DomainConsoleFlags.FORCE | DomainConsoleFlags.SAFE);
    await firstClosed;
    let text = '';
    second.on('data', (b: Buffer) => (text += b.toString()));
    // The new session is shown the recent output first, then its input reaches init.
    expect(await until(() => text.includes('ready'))).toBe(true);
    second.write('pong\n');
    expect(await until(() => text.includes('got:pong'))).toBe(true);
    const secondClosed = new Promise((r) => second.once('close', r));
    second.destroy();
    await secondClosed;
    // Once the controller has seen the session go, a polite open succeeds again.
    expect(await until(() => d.openConsole().then((third) => (third.destroy(), true), () => false))).toBe(true);
    await expect(d.openConsole(undefined, 4)).rejects.toThrow('unsupported flags (0x4) in function lxcDomainOpenConsole');
    await d.destroy();
  });

  it('runs init as <inituser>/<initgroup> in <initdir>', async () => {
    const name = uniq();
    mkdirSync(join(rootfs, 'work'), { recursive: true });
    const d = await c.createXML(containerXML(name, rootfs, SLEEPER, { os: '<initdir>/work</initdir><inituser>tester</inituser><initgroup>testers</initgroup>' }));
    const { pid } = root.init(name);
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(status).toMatch(/Uid:\s+1000\s/);
    expect(status).toMatch(/Gid:\s+1234\s/);
    expect(execFileSync('readlink', [`/proc/${pid}/cwd`], { encoding: 'utf8' }).trim()).toMatch(/\/work$/);
    await d.destroy();
  });

  it('sees init exiting as shut off (shutdown), whether it stops on SIGTERM or is killed', async () => {
    const name = uniq();
    const d = await c.defineXML(containerXML(name, rootfs, SLEEPER));
    await d.create();
    const stopped: number[] = [];
    const ac = new AbortController();
    void (async () => {
      for await (const e of c.domainEvents({ signal: ac.signal })) if (e.event === DomainEventType.STOPPED && e.domain.getName() === name) stopped.push(e.detail);
    })();
    await d.shutdown();
    // The event arrives by itself, without a look at the domain.
    expect(await until(() => stopped.length > 0)).toBe(true);
    ac.abort();
    expect(stopped).toEqual([DomainEventDetail.STOPPED.SHUTDOWN]);
    expect(await d.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.SHUTDOWN]);
    await d.create();
    const { pid } = root.init(name);
    process.kill(pid, 'SIGKILL');
    expect(await until(async () => (await d.getState())[0] === DomainState.SHUTOFF)).toBe(true);
    expect(await d.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.SHUTDOWN]);
    expect(memCgroups().filter((x) => x.endsWith(`-${name}.libvirt-lxc`))).toEqual([]);
    await d.undefine();
  });

  it('suspends and resumes through the freezer, reboots in place', async () => {
    const name = uniq();
    const d = await c.createXML(containerXML(name, rootfs, `trap "reboot -f" HUP; ${SLEEPER}`));
    const leaf = memCgroups().find((x) => x.endsWith(`-${name}.libvirt-lxc`))!;
    await d.suspend();
    expect(readFileSync(`/sys/fs/cgroup/freezer/machine/${leaf}/freezer.state`, 'utf8').trim()).toBe('FROZEN');
    expect(await d.getState()).toEqual([DomainState.PAUSED, 1]);
    await d.resume();
    expect(readFileSync(`/sys/fs/cgroup/freezer/machine/${leaf}/freezer.state`, 'utf8').trim()).toBe('THAWED');
    const before = root.init(name).pid;
    await d.reboot();
    expect(await until(() => existsSync(join(root.stateDir(), `${name}.init`)) && root.init(name).pid !== before, 30_000)).toBe(true);
    expect((await d.getState())[0]).toBe(DomainState.RUNNING);
    expect(inside(root.init(name).pid, ['hostname']).trim()).toBe(name);
    await d.destroy();
  });

  it('notices a controller killed -9 on the next look and leaves nothing running', async () => {
    const name = uniq();
    const d = await c.createXML(containerXML(name, rootfs, SLEEPER));
    const { pid } = root.init(name);
    const status = root.status(name) as { controller: { pid: number } };
    process.kill(status.controller.pid, 'SIGKILL');
    await until(() => !alive(status.controller.pid));
    await expect(d.getState()).rejects.toBeInstanceOf(VirError);
    expect(alive(pid)).toBe(false);
    expect(memCgroups().filter((x) => x.endsWith(`-${name}.libvirt-lxc`))).toEqual([]);
  });

  it('refuses a missing root, a non-executable init, an unknown user, before making anything', async () => {
    const name = uniq();
    const err = async (xml: string) => ((await c.createXML(xml).catch((e: unknown) => e)) as VirError).message;
    expect(await err(containerXML(name, join(root.dir, 'nope'), SLEEPER))).toBe(`Failed to access '${join(root.dir, 'nope')}': No such file or directory`);
    writeFileSync(join(rootfs, 'notexec'), '#!/bin/sh\n');
    chmodSync(join(rootfs, 'notexec'), 0o644);
    const xml = containerXML(name, rootfs, SLEEPER).replace('<init>/bin/sh</init>', '<init>/notexec</init>');
    expect(await err(xml)).toBe("cannot find init path '/notexec' relative to container root: Permission denied");
    expect(await err(xml.replace('/notexec', '/missing'))).toBe("cannot find init path '/missing' relative to container root: No such file or directory");
    expect(await err(containerXML(name, rootfs, SLEEPER, { os: '<inituser>nobody-here</inituser>' }))).toBe("invalid argument: Failed to parse user 'nobody-here'");
    expect(await err(containerXML(name, rootfs, SLEEPER).replace("<console type='pty'/>", ''))).toBe('unsupported configuration: At least one PTY console is required');
    expect(memCgroups().filter((x) => x.endsWith(`-${name}.libvirt-lxc`))).toEqual([]);
    expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
  });

  it('undoes a start that fails half-way: no veth, cgroup, process or status left', async () => {
    const name = uniq();
    const links = () => execFileSync('ip', ['-o', 'link'], { encoding: 'utf8' });
    const xml = containerXML(name, rootfs, SLEEPER, { extra: `<interface type='bridge'><source bridge='nobr${process.pid}'/><target dev='vt${process.pid}'/></interface>` });
    const e = (await c.createXML(xml).catch((x: unknown) => x)) as VirError;
    expect(e).toBeInstanceOf(VirError);
    expect(links()).not.toContain(`vt${process.pid}`);
    expect(memCgroups().filter((x) => x.endsWith(`-${name}.libvirt-lxc`))).toEqual([]);
    expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
  });

  it('names the missing package when an interface of type network has no network driver', async () => {
    const name = uniq();
    const e = (await c.createXML(containerXML(name, rootfs, SLEEPER, { extra: "<interface type='network'><source network='default'/></interface>" })).catch((x: unknown) => x)) as VirError;
    expect(e.message).toBe("Operation not supported: interface of type 'network' needs a network driver: install @tsvirt/secondary-network");
    expect(root.stateFiles().filter((f) => f.startsWith(name))).toEqual([]);
  });

  it('starts autostart domains on the first open of a root after a boot', async () => {
    const name = uniq();
    const d = await c.defineXML(containerXML(name, rootfs, SLEEPER));
    await d.setAutostart(true);
    rmSync(join(root.stateDir(), 'autostarted'));
    // The instance connect() uses is the built package's, loaded by the registry.
    const { driver } = await import('@tsvirt/driver-lxc');
    await driver.state.stateCleanup();
    const fresh = await root.open();
    const again = await fresh.lookupByName(name);
    expect(await again.getState()).toEqual([DomainState.RUNNING, 1]);
    expect((await fresh.listAllDomains(1024)).map((x) => x.getName())).toContain(name);
    await again.destroy();
    await again.undefine();
  });

  it('maps ids with <idmap> into a user namespace', async () => {
    const name = uniq();
    const mapped = root.rootfs('mapped');
    chmodSync(root.dir, 0o755);
    execFileSync('chown', ['-R', '-h', '100000:100000', mapped]);
    const idmap = "<idmap><uid start='0' target='100000' count='65536'/><gid start='0' target='100000' count='65536'/></idmap>";
    const d = await c.createXML(containerXML(name, mapped, SLEEPER, { top: '', os: '' }).replace('</os>', `</os>${idmap}`));
    const { pid } = root.init(name);
    expect(readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split(/\s+/)).toEqual(['0', '100000', '65536']);
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/Uid:\s+100000\s/);
    expect(inside(pid, ['id', '-u'], ['-U', '-m', '-u', '-i', '-n', '-p']).trim()).toBe('0');
    await d.destroy();
  });

  it('plugs a bridge interface: a veth pair, the peer renamed inside with its MAC and address', async () => {
    const name = uniq();
    const br = `tbr${process.pid % 100000}`;
    execFileSync('ip', ['link', 'add', br, 'type', 'bridge']);
    try {
      const nic = `<interface type='bridge'><source bridge='${br}'/><mac address='52:54:00:aa:bb:cc'/><ip address='10.250.0.2' prefix='24'/><route family='ipv4' address='10.251.0.0' prefix='24' gateway='10.250.0.1'/><guest dev='eth7'/></interface>`;
      const d = await c.createXML(containerXML(name, rootfs, SLEEPER, { extra: nic }));
      const { pid } = root.init(name);
      const inner = execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', '-o', 'addr'], { encoding: 'utf8' });
      expect(inner).toContain('eth7');
      expect(inner).toContain('10.250.0.2/24');
      expect(execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', 'route'], { encoding: 'utf8' })).toContain('10.251.0.0/24 via 10.250.0.1 dev eth7');
      expect(execFileSync('nsenter', ['-t', String(pid), '-n', 'ip', '-o', 'link', 'show', 'eth7'], { encoding: 'utf8' })).toContain('52:54:00:aa:bb:cc');
      expect(execFileSync('ip', ['-o', 'link', 'show', 'master', br], { encoding: 'utf8' })).toMatch(/veth/);
      await d.destroy();
      expect(execFileSync('ip', ['-o', 'link', 'show', 'master', br], { encoding: 'utf8' }).trim()).toBe('');
    } finally {
      execFileSync('ip', ['link', 'del', br]);
    }
  });

  it('writes cgroup v2 files on a fake unified tree (TSVIRT_CGROUP_ROOT)', () => withFakeUnifiedTree(root.dir, async (cgroupOf) => {
    const name = uniq();
    const tune = "<memtune><hard_limit unit='KiB'>50000</hard_limit><soft_limit unit='KiB'>40000</soft_limit></memtune><cputune><shares>512</shares><period>100000</period><quota>50000</quota></cputune><blkiotune><weight>300</weight></blkiotune>";
    const d = await c.createXML(containerXML(name, rootfs, SLEEPER, { top: tune }));
    const dir = cgroupOf(name);
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    expect(read('memory.max')).toBe(String(50000 * 1024));
    expect(read('memory.high')).toBe(String(40000 * 1024));
    expect(read('cpu.weight')).toBe('512');
    expect(read('cpu.max')).toBe('50000 100000');
    expect(read('io.weight')).toBe('default 300');
    expect(read('cgroup.procs')).toBe(String(root.init(name).pid));
    await d.suspend();
    expect(read('cgroup.freeze')).toBe('1');
    await d.resume();
    await d.destroy();
    expect(existsSync(dir)).toBe(false);
  }));
});
