import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot, containerXML, whyNoContainers } from './helpers.js';
import { virsh } from './tsvirsh.js';

const skip = whyNoContainers();
if (skip) console.log(`tsvirsh LXC tests skipped: ${skip}`);
if (skip && process.env['CI'] === 'true') throw new Error(`CI=true and the tsvirsh LXC tests cannot run: ${skip}`);
const CLI = fileURLToPath(new URL('../../../tools/virsh/dist/bundle/cli.js', import.meta.url));

describe.skipIf(skip)('tsvirsh against lxc:///embed', () => {
  const root = new TestRoot();
  const name = `vsh${process.pid}`;
  const ts = (...args: string[]) => virsh(root.uri, args);
  beforeAll(() => {
    const init = 'echo console-says-hi; while read l; do echo got:$l; done';
    writeFileSync(join(root.dir, 'd.xml'), containerXML(name, root.rootfs(), init));
  });
  afterAll(() => root.cleanup());

  it('defines, starts, lists and describes a container as virsh does', async () => {
    expect(await ts('define', join(root.dir, 'd.xml'))).toEqual({ stdout: `Domain '${name}' defined from ${join(root.dir, 'd.xml')}\n\n`, stderr: '', code: 0 });
    expect((await ts('console', name)).stderr).toBe('error: The domain is not running\n');
    expect((await ts('start', name)).stdout).toBe(`Domain '${name}' started\n\n`);
    const id = (await ts('domid', name)).stdout.trim();
    expect(Number(id)).toBeGreaterThan(1);
    const list = (await ts('list')).stdout;
    expect(list).toContain(` ${id}   ${name}   running`);
    expect((await ts('domstate', '--reason', name)).stdout).toBe('running (booted)\n\n');
    const info = (await ts('dominfo', name)).stdout;
    expect(info).toMatch(new RegExp(`^Id: +${id}\\nName: +${name}\\n`));
    expect(info).toContain('OS Type:        exe\nState:          running\n');
    expect(info).toMatch(/Used memory: +\d+ KiB\n/);
    expect((await ts('dumpxml', name)).stdout).toMatch(/<console type='pty' tty='\/dev\/pts\/\d+'>\n {6}<source path='\/dev\/pts\/\d+'\/>\n {6}<target type='lxc' port='0'\/>\n {6}<alias name='console0'\/>\n {4}<\/console>/);
    expect((await ts('memtune', name)).stdout).toBe('hard_limit     : 65536\nsoft_limit     : unlimited\nswap_hard_limit: unlimited\n\n');
  });

  it('memtune sets limits live (the cgroup) and in the definition', async () => {
    expect(await ts('memtune', name, '--hard-limit', '50000', '--soft-limit', '40000')).toEqual({ stdout: '\n', stderr: '', code: 0 });
    expect((await ts('memtune', name)).stdout).toBe('hard_limit     : 50000\nsoft_limit     : 40000\nswap_hard_limit: unlimited\n\n');
    const leaf = readdirSync('/sys/fs/cgroup/memory/machine').find((x) => x.endsWith(`-${name}.libvirt-lxc`))!;
    expect(readFileSync(`/sys/fs/cgroup/memory/machine/${leaf}/memory.limit_in_bytes`, 'utf8').trim()).toBe(String(50000 * 1024));
    expect((await ts('dumpxml', name)).stdout).toContain("<memtune>\n    <hard_limit unit='KiB'>50000</hard_limit>\n    <soft_limit unit='KiB'>40000</soft_limit>\n  </memtune>");
    expect((await ts('dumpxml', '--inactive', name)).stdout).not.toContain('<memtune>');
    await ts('memtune', name, '--config', '--hard-limit', '70000');
    expect((await ts('dumpxml', '--inactive', name)).stdout).toContain("<hard_limit unit='KiB'>70000</hard_limit>");
    expect((await ts('memtune', name, '--hard-limit', '9', '--swap-hard-limit', '8')).stderr)
      .toBe('error: Unable to change memory parameters\nerror: invalid argument: memory hard_limit tunable value must be lower than or equal to swap_hard_limit\n');
  });

  it('schedinfo sets shares, period and quota live (the cgroup) and in the definition', async () => {
    const set = await ts('schedinfo', name, '--set', 'cpu_shares=512', '--set', 'vcpu_quota=50000');
    expect(set.stdout).toBe('Scheduler      : posix\ncpu_shares     : 512\nvcpu_period    : 100000\nvcpu_quota     : 50000\n\n');
    const leaf = readdirSync('/sys/fs/cgroup/cpu/machine').find((x) => x.endsWith(`-${name}.libvirt-lxc`))!;
    expect(readFileSync(`/sys/fs/cgroup/cpu/machine/${leaf}/cpu.cfs_quota_us`, 'utf8').trim()).toBe('50000');
    expect((await ts('dumpxml', name)).stdout).toContain('<cputune>\n    <shares>512</shares>\n    <quota>50000</quota>\n  </cputune>');
    await ts('schedinfo', name, '--config', '--set', 'cpu_shares=256');
    expect((await ts('schedinfo', name, '--config')).stdout).toContain('cpu_shares     : 256\n');
  });

  it('lxc-enter-namespace runs a command inside; its failure is reported', async () => {
    expect(await ts('lxc-enter-namespace', name, '--noseclabel', '--', '/bin/hostname')).toEqual({ stdout: `${name}\n\n`, stderr: '', code: 0 });
    expect((await ts('lxc-enter-namespace', name, '--noseclabel', '--', '/bin/cat', '/proc/1/cmdline')).stdout).toContain('/bin/sh');
    const bad = await ts('lxc-enter-namespace', name, '--noseclabel', '--', '/bin/sh', '-c', 'exit 3');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: internal error: Child process \(\d+\) unexpected exit status 3\n$/);
  });

  it('console shows init, passes input and detaches on Ctrl-]', () => {
    expect(spawnSync(process.execPath, [CLI, '-c', root.uri, 'console', name], { encoding: 'utf8' }).stderr)
      .toBe('error: Cannot run interactive console without a controlling TTY\n');
    // `script` gives the command a terminal; the input arrives slowly enough to be read as typed.
    const input = 'sleep 1; printf "ping\\r"; sleep 1; printf "\\035"';
    const r = spawnSync('sh', ['-c', `(${input}) | script -qfec "${process.execPath} ${CLI} -c '${root.uri}' console ${name}" /dev/null`], { encoding: 'utf8', timeout: 20_000 });
    expect(r.stdout).toContain(`Connected to domain '${name}'\r\nEscape character is ^] (Ctrl + ])\r\n`);
    expect(r.stdout).toContain('console-says-hi');
    expect(r.stdout).toContain('got:ping');
  });

  it('destroys and undefines with virsh\'s words', async () => {
    expect((await ts('destroy', name)).stdout).toBe(`Domain '${name}' destroyed\n\n`);
    expect((await ts('domstate', '--reason', name)).stdout).toBe('shut off (destroyed)\n\n');
    expect((await ts('undefine', name)).stdout).toBe(`Domain '${name}' has been undefined\n\n`);
  });
});
