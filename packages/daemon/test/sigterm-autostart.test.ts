import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watchChild, type WatchedChild } from '@tsvirt/api/testing';
import { CLI, canConnect, waitFor } from './helpers/daemon-process.js';

const QEMU = '/usr/bin/qemu-system-x86_64';
const ci = process.env['CI'] === 'true';
const missing = [QEMU, '/usr/bin/virsh', '/usr/bin/unshare', '/usr/bin/nsenter'].filter((p) => !existsSync(p));
if (missing.length && !ci) console.log(`skipping SIGTERM and autostart through tsvirtd: ${missing.join(', ')} not installed`);

/** Whether a process lives (a zombie does not count). */
const alive = (pid: number): boolean => {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

const domainXml = (name: string): string => `<domain type='qemu'>
  <name>${name}</name>
  <memory unit='MiB'>64</memory>
  <vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
</domain>`;

/**
 * A tsvirtd in a network namespace of its own (`unshare -n`), so that the autostart network's bridge
 * is made there and never on the machine's interfaces; its unix sockets are files, reachable as ever.
 */
async function startInNetns(dir: string): Promise<WatchedChild> {
  const child = spawn('/usr/bin/unshare', ['-n', process.execPath, CLI, '--root', join(dir, 'root'), '--socket-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  const daemon = watchChild('tsvirtd (unshare -n)', child);
  const end = Date.now() + 60_000;
  while (!(await canConnect(join(dir, 'tsvirt-sock'))) || !(await canConnect(join(dir, 'tsvirt-sock-ro')))) {
    if (child.exitCode !== null) throw new Error(`tsvirtd exited: ${daemon.stderr}`);
    if (Date.now() > end) throw new Error('tsvirtd did not listen');
    await new Promise((r) => setTimeout(r, 50));
  }
  return daemon;
}

/** How long a tsvirtd may take to exit once signalled; it is killed and named after. */
const STOP_MS = 60_000;

describe.skipIf(missing.length > 0 && !ci)('tsvirtd stopping with domains running, and autostart after a host boot (real QEMU)', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirtd-autostart-${process.pid}-`));
  const uri = `qemu+unix:///system?socket=${join(dir, 'tsvirt-sock')}`;
  const bridge = `tsva${process.pid % 100000}`;
  const marker = join(dir, 'root', 'run', 'tsvirtd-autostarted');
  let daemon: WatchedChild | undefined;
  const virsh = (cmd: string) => {
    const r = spawnSync('/usr/bin/virsh', ['-c', uri, cmd], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  };
  const qemuPid = (name: string): number => JSON.parse(readFileSync(join(dir, 'root', 'run', 'qemu', `${name}.json`), 'utf8')).data.pid as number;
  const restart = async (): Promise<number | null> => {
    daemon!.child.kill('SIGTERM');
    const { code } = await daemon!.exited(STOP_MS);
    daemon = await startInNetns(dir);
    return code;
  };

  beforeAll(async () => {
    daemon = await startInNetns(dir);
  }, 90_000);
  afterAll(async () => {
    virsh('destroy k1; destroy a1; net-destroy an1');
    daemon?.child.kill('SIGKILL');
    await daemon?.exited(STOP_MS);
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGTERM with a QEMU domain running: exit 0, the domain runs on; the next daemon finds it running and manages it', async () => {
    writeFileSync(join(dir, 'k1.xml'), domainXml('k1'));
    expect(virsh(`define ${join(dir, 'k1.xml')}; start k1; suspend k1`).err).toBe('');
    const pid = qemuPid('k1');
    expect(await restart()).toBe(0);
    expect(alive(pid)).toBe(true);
    const r = virsh('domstate --reason k1; resume k1; domstate --reason k1');
    expect(r.err).toBe('');
    expect(r.out).toBe("paused (user)\n\nDomain 'k1' resumed\n\nrunning (unpaused)\n\n");
    expect(qemuPid('k1')).toBe(pid);
    expect(virsh('destroy k1').out).toContain("Domain 'k1' destroyed");
    await waitFor(() => !alive(pid), 15_000, 'QEMU to exit');
  }, 180_000);

  /** Stops the daemon, makes the marker name another boot (the host "rebooted"), starts a new one. */
  const afterHostBoot = async (): Promise<void> => {
    daemon!.child.kill('SIGTERM');
    expect((await daemon!.exited(STOP_MS)).code).toBe(0);
    writeFileSync(marker, '00000000-0000-0000-0000-000000000000\n');
    daemon = await startInNetns(dir);
  };
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

  it('autostart networks start once per host boot: not on a restart in the same boot, then after a new boot id', async () => {
    writeFileSync(join(dir, 'an1.xml'), `<network><name>an1</name><bridge name='${bridge}'/></network>`);
    expect(virsh(`net-define ${join(dir, 'an1.xml')}; net-autostart an1`).err).toBe('');
    // the daemon running now started in this boot: a restart starts nothing
    expect(await restart()).toBe(0);
    expect(readFileSync(marker, 'utf8').trim()).toBe(boot);
    expect(virsh('net-info an1').out).toMatch(/^Active: +no$/m);
    await afterHostBoot();
    // the sockets answer before the daemon has finished starting what autostarts
    await waitFor(() => /^Active: +yes$/m.test(virsh('net-info an1').out), 60_000, 'an1 to autostart');
    expect(virsh('net-info an1').out).toMatch(/^Autostart: +yes$/m);
    // the bridge is in the daemon's own namespace
    const link = spawnSync('/usr/bin/nsenter', ['-t', String(daemon!.child.pid), '-n', 'ip', '-o', 'link', 'show', bridge], { encoding: 'utf8' });
    expect(link.stdout).toContain(`${bridge}:`);
    expect(readFileSync(marker, 'utf8').trim()).toBe(boot);
    expect(virsh('net-destroy an1').err).toBe('');
  }, 240_000);

  // driver-qemu keeps libvirt's autostart/NAME.xml link; the daemon's autostart.ts starts INACTIVE|AUTOSTART domains.
  it('autostart domains start after a new boot id', async () => {
    writeFileSync(join(dir, 'a1.xml'), domainXml('a1'));
    expect(virsh(`define ${join(dir, 'a1.xml')}; autostart a1`).err).toBe('');
    expect(virsh('dominfo a1').out).toMatch(/^Autostart: +enable$/m);
    expect(await restart()).toBe(0);
    expect(virsh('domstate a1').out).toBe('shut off\n\n');
    await afterHostBoot();
    await waitFor(() => virsh('domstate a1').out === 'running\n\n', 60_000, 'a1 to autostart');
    expect(virsh('domstate --reason a1').out).toBe('running (booted)\n\n');
  }, 240_000);
});
