import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { besideLibvirtd, removeDomains } from './helpers/beside-libvirtd.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const SCRIPT = join(HERE, 'fixtures/py-lifecycle.py');
const ci = process.env['CI'] === 'true';
const skip = ['/usr/bin/qemu-system-x86_64', '/usr/bin/python3', '/usr/sbin/libvirtd'].find((p) => !existsSync(p));
if (skip && !ci) console.log(`lifecycle events against libvirtd skipped: ${skip} not installed`);

/**
 * Every lifecycle path of a QEMU domain, each run by the same python3-libvirt script (its events as
 * the callbacks receive them) on Debian's libvirtd 9.0 and on tsvirtd, both with real QEMU (TCG)
 * and a boot-sector guest that powers off on its power button or an NMI, or panics (pvpanic).
 */
const PATHS = {
  destroy: 'a destroy: Shutdown (host) for QEMU\'s SIGTERM, then Stopped Destroyed',
  'destroy-paused': 'a paused domain destroyed',
  poweroff: 'the guest powers itself off (an NMI): Shutdown (guest), Stopped Shutdown',
  shutdown: 'virsh shutdown (ACPI power button)',
  reboot: 'virsh reboot (ACPI): a reboot event, no lifecycle event, then a destroy',
  reset: 'virsh reset: a reboot event',
  'suspend-resume': 'suspend and resume',
  'save-restore': 'save and restore',
  managedsave: 'managed save, then a start from it',
  crash: 'QEMU killed with SIGKILL: Stopped Failed',
  'undefine-running': 'a running domain undefined, then destroyed',
  'undefine-inactive': 'an inactive domain undefined',
  'poweroff-restart': 'on_poweroff restart: a reboot event only, and a later destroy tells no Shutdown',
  'reset-destroy': 'on_reboot destroy and virsh reset: Shutdown (host), Stopped Shutdown',
  'reboot-destroy': 'on_reboot destroy and virsh reboot: a shutdown',
  'reboot-ignored': 'a reboot the guest ignores, then a destroy: its Shutdown is told',
  'reboot-ignored-shutdown': 'a reboot the guest ignores, then a shutdown: the guest\'s power-off ends the domain',
  'panic-destroy': 'on_crash destroy: Suspended Paused, Crashed Panicked, Stopped Crashed',
  'panic-restart': 'on_crash restart: Crashed Panicked, a reboot, Resumed Unpaused',
  'panic-preserve': 'on_crash preserve, then a destroy',
} as const;

/**
 * QEMU stops a panicking guest (STOP) right after GUEST_PANICKED; libvirtd handles the first in a
 * worker thread and the second at once, so it tells the pause (`Suspended Paused`) before `Crashed
 * Panicked` in most runs and not in others: the comparison takes both as one.
 */
const PANIC_PAUSE = 'lifecycle SUSPENDED PAUSED\nlifecycle CRASHED PANICKED\n';
const settled = (out: string): string => out.replace(PANIC_PAUSE, 'lifecycle CRASHED PANICKED\n');

/** The script's output for one path on one daemon. */
function run(uri: string, name: string, dir: string, path: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done) => {
    const child = spawn('/usr/bin/python3', [SCRIPT, uri, name, dir, path], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 170_000 });
    let out = '';
    let err = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    child.once('close', (code) => done({ code, out, err }));
  });
}

describe.skipIf(skip && !ci)("a QEMU domain's lifecycle events through tsvirtd, as libvirtd 9.0 tells them (python3-libvirt)", () => {
  // each side's domain is `lco<side>-<pid>-<path>`: the script's own clean-up does not run when it
  // is killed (its timeout) or the test times out, so every domain of this run goes at the end
  const mine = (n: string) => n.startsWith('lco') && n.includes(`-${process.pid}-`);
  const { daemon, uris } = besideLibvirtd((uri) => removeDomains(uri, mine));

  it.each(Object.entries(PATHS))('%s: %s', async (path) => {
    // both sides at once (each waits on its guest most of the time), each with its own names and files
    const side = (who: string, uri: string) => {
      const dir = join(daemon().dir, who, path);
      mkdirSync(dir, { recursive: true });
      return run(uri, `lco${who[0]}-${process.pid}-${path}`, dir, path);
    };
    const [libvirtd, tsvirtd] = await Promise.all([side('libvirtd', uris.libvirtd), side('tsvirtd', uris.tsvirtd)]);
    expect(libvirtd.code, libvirtd.err).toBe(0);
    expect(tsvirtd.code, tsvirtd.err).toBe(0);
    expect(settled(tsvirtd.out)).toBe(settled(libvirtd.out));
    // tsvirt always tells the panic's pause, as libvirtd does when its STOP handling wins its race
    if (path.startsWith('panic')) expect(tsvirtd.out).toContain(PANIC_PAUSE);
    expect(tsvirtd.out).toMatch(/^lifecycle DEFINED ADDED\n/);
  }, 180_000);
});
