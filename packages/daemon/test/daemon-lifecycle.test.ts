import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';

const started: DaemonProcess[] = [];
afterEach(async () => {
  await Promise.all(started.splice(0).map((d) => d.dispose()));
});
async function daemon(extra: string[] = [], dir?: string): Promise<DaemonProcess> {
  const d = await startDaemon(extra, dir);
  started.push(d);
  return d;
}

describe('tsvirtd process', () => {
  it('listens with libvirt permissions: read-write 0700 (root only), read-only 0777', async () => {
    const d = await daemon();
    expect(statSync(d.rw).isSocket()).toBe(true);
    expect(statSync(d.rw).mode & 0o777).toBe(0o700);
    expect(statSync(d.ro).mode & 0o777).toBe(0o777);
  });

  it('--rw-any opens the read-write socket to every user', async () => {
    const d = await daemon(['--rw-any']);
    expect(statSync(d.rw).mode & 0o777).toBe(0o777);
  });

  it('writes its pid file in the root run directory, and --pid-file moves it', async () => {
    const d = await daemon();
    expect(readFileSync(join(d.root, 'run', 'tsvirtd.pid'), 'utf8')).toBe(`${d.child.pid}\n`);
    const e = await daemon(['--pid-file', join(d.dir, 'other.pid')]);
    expect(readFileSync(join(d.dir, 'other.pid'), 'utf8')).toBe(`${e.child.pid}\n`);
    expect(existsSync(join(e.root, 'run', 'tsvirtd.pid'))).toBe(false);
  });

  it('one daemon per root: a second one fails naming the first, and leaves its sockets alone', async () => {
    const d = await daemon();
    const second = spawnSync(process.execPath, [CLI, '--root', d.root, '--socket-dir', join(d.dir, 'other')], { encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stderr).toBe(`tsvirtd: operation failed: another tsvirtd (pid ${d.child.pid}) already serves the root of ${join(d.root, 'run')}\n`);
    expect(existsSync(join(d.dir, 'other', 'tsvirt-sock'))).toBe(false);
    expect(statSync(d.rw).isSocket()).toBe(true);
  });

  it('SIGTERM: exit 0, sockets and pid file removed; a new daemon then starts on the root', async () => {
    const d = await daemon();
    expect(await d.stop()).toBe(0);
    expect(existsSync(d.rw) || existsSync(d.ro) || existsSync(join(d.root, 'run', 'tsvirtd.pid'))).toBe(false);
    await daemon([], d.dir);
  });

  it('killed -9: the lock dies with it, a restart takes over the stale sockets', async () => {
    const d = await daemon();
    await d.stop('SIGKILL');
    expect(existsSync(d.rw)).toBe(true);
    const again = await daemon([], d.dir);
    expect(readFileSync(join(d.root, 'run', 'tsvirtd.pid'), 'utf8')).toBe(`${again.child.pid}\n`);
  });

  it('--timeout: exits by itself when no client came', () => {
    // run to its end: waiting for its socket would race the 1 s timer on a loaded machine
    const dir = mkdtempSync(join(tmpdir(), `tsvirtd-test-${process.pid}-`));
    try {
      const r = spawnSync(process.execPath, [CLI, '--root', join(dir, 'root'), '--socket-dir', dir, '--timeout', '1'], { encoding: 'utf8', timeout: 60_000 });
      expect([r.status, r.stderr]).toEqual([0, '']);
      expect(existsSync(join(dir, 'tsvirt-sock'))).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('--timeout: stays while a domain of its root runs, exits once none does', async () => {
    const d = await daemon(['--timeout', '1']);
    const uri = `qemu+unix:///system?socket=${d.rw}`;
    const xml = join(d.dir, 'idle.xml');
    writeFileSync(xml, `<domain type='qemu'><name>idle</name><memory unit='MiB'>64</memory><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`);
    const create = spawnSync('virsh', ['-c', uri, 'create', xml], { encoding: 'utf8', timeout: 60_000 });
    expect(create.stderr).toBe('');
    // idle for several timeouts, with a domain running: still serving
    await new Promise((r) => setTimeout(r, 3500));
    expect(d.child.exitCode).toBeNull();
    expect(spawnSync('virsh', ['-c', uri, 'destroy', 'idle'], { encoding: 'utf8', timeout: 60_000 }).status).toBe(0);
    await waitFor(() => d.child.exitCode !== null, 30_000, 'the idle exit');
    expect(d.child.exitCode).toBe(0);
  }, 120_000);

  it('bad arguments: exit 1 with the reason; --help and --version exit 0', () => {
    const bad = spawnSync(process.execPath, [CLI, '--timeout', 'x'], { encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([1, "tsvirtd: invalid timeout 'x': expected whole seconds\n"]);
    const help = spawnSync(process.execPath, [CLI, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('--socket-dir DIR');
    expect(spawnSync(process.execPath, [CLI, '-V'], { encoding: 'utf8' }).stdout).toMatch(/^tsvirtd \(tsvirt\) \d+\.\d+\.\d+\n$/);
  });
});
