import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { besideLibvirtd } from './helpers/beside-libvirtd.js';
import { waitFor } from './helpers/daemon-process.js';

const ci = process.env['CI'] === 'true';
const skip = ['/usr/bin/qemu-system-x86_64', '/usr/bin/virsh', '/usr/sbin/libvirtd'].find((p) => !existsSync(p));
if (skip && !ci) console.log(`a failing block job through tsvirtd skipped: ${skip} not installed`);

/** What one daemon showed for a block copy onto a full file system. */
interface Outcome {
  readonly copy: { status: number | null; stdout: string; stderr: string };
  /** `virsh event --loop --all` lines for the domain. */
  readonly events: string[];
  /**
   * QEMU's BLOCK_JOB_ERROR and BLOCK_JOB_COMPLETED as `virsh qemu-monitor-event` prints them, each
   * once, without times, the offset reached (the copy's own pace) or the job's estimated length
   * (offset plus what is still dirty, which follows the mirror's buffer: QEMU's 16 MiB default under
   * libvirtd, 4 MiB for tsvirt's copies without a rate limit).
   */
  readonly monitor: string[];
  readonly targetMode: number;
}

/**
 * BLOCK_JOB_ERROR through the daemon: a block copy of an 8 MiB disk onto a 2 MiB tmpfs runs out of
 * space; QEMU reports each failed write (BLOCK_JOB_ERROR, action report) and ends the job with the
 * error (BLOCK_JOB_COMPLETED), which a client sees as the block-job events' `failed`. The same steps
 * on Debian's libvirtd 9.0 are the oracle.
 */
describe.skipIf(skip && !ci)('a block copy that runs out of space, through tsvirtd and libvirtd 9.0', () => {
  const name = `bjerr${process.pid}`;
  const mounts: string[] = [];
  const children: ChildProcess[] = [];
  const { daemon, uris, virsh } = besideLibvirtd((uri) => virsh(uri, `destroy ${name}`), () => {
    for (const c of children) c.kill();
    // lazily: a process still holding a file must not keep the tmpfs mounted
    for (const m of mounts) spawnSync('umount', ['-l', m], { timeout: 30_000 });
  });

  /** Starts a virsh that prints until killed; answers its output so far. */
  function follow(uri: string, ...args: string[]): () => string {
    const c = spawn('/usr/bin/virsh', ['-c', uri, ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(c);
    let out = '';
    c.stdout!.on('data', (b: Buffer) => (out += b.toString()));
    return () => out;
  }

  async function run(uri: string, dir: string): Promise<Outcome> {
    const full = join(dir, 'full');
    mkdirSync(full, { recursive: true });
    expect(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=2M', `tsvirt-bjerr-${process.pid}`, full]).status).toBe(0);
    mounts.push(full);
    const src = join(dir, 'src.img');
    writeFileSync(src, randomBytes(8 << 20));
    writeFileSync(join(dir, 'guest.xml'), `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
      <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${src}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`);
    expect(virsh(uri, `create ${join(dir, 'guest.xml')}`).status).toBe(0);
    const events = follow(uri, 'event', '--loop', '--all', '--domain', name);
    const monitor = follow(uri, 'qemu-monitor-event', '--loop', '--domain', name);
    // both listeners are registered once they see a pause and resume
    await waitFor(() => {
      if (events().includes('Resumed Unpaused') && monitor().includes('RESUME')) return true;
      virsh(uri, `suspend ${name}; resume ${name}`);
      return false;
    }, 60_000, 'the listeners');
    const target = join(full, 'dst.img');
    const copy = virsh(uri, `blockcopy ${name} vda ${target} --format raw --wait --verbose`);
    await waitFor(() => events().includes("event 'block-job-2'") && monitor().includes('BLOCK_JOB_COMPLETED'), 60_000, 'the failed job\'s events');
    expect(virsh(uri, `destroy ${name}`).status).toBe(0);
    const ours = (s: string) => s.replaceAll(dir, 'DIR');
    return {
      // virsh's progress line comes only when its first poll beats the job's end: left out
      copy: { status: copy.status, stdout: copy.stdout, stderr: copy.stderr.replace(/\r?Block Copy: \[[ \d]+ %\]\r?/g, '') },
      events: ours(events()).split('\n').filter((l) => l.includes("'block-job")),
      monitor: [...new Set(monitor().split('\n').filter((l) => /BLOCK_JOB_(ERROR|COMPLETED)/.test(l)).map((l) => l.replace(/ at [\d.]+ /, ' ').replace(/"offset":\d+/, '"offset":N').replace(/"len":(\d+)/, (_, n: string) => `"len":${Number(n) > 0 && Number(n) <= 8 << 20 ? 'L' : n}`)))],
      targetMode: statSync(target).mode & 0o777,
    };
  }

  it('QEMU\'s BLOCK_JOB_ERROR and the failed job reach the clients as from libvirtd; the copy fails the same', async () => {
    const libvirtd = await run(uris.libvirtd, join(daemon().dir, 'libvirtd'));
    const tsvirtd = await run(uris.tsvirtd, join(daemon().dir, 'tsvirtd'));
    expect(tsvirtd).toEqual(libvirtd);
    expect(tsvirtd.copy).toEqual({ status: 1, stdout: '\nCopy failed\n', stderr: '' });
    expect(tsvirtd.events).toEqual([
      `event 'block-job' for domain '${name}': Block Copy for DIR/src.img failed`,
      `event 'block-job-2' for domain '${name}': Block Copy for vda failed`,
    ]);
    expect(tsvirtd.monitor).toEqual([
      `event BLOCK_JOB_ERROR for domain '${name}': {"device":"copy-vda-libvirt-1-format","operation":"write","action":"report"}`,
      `event BLOCK_JOB_COMPLETED for domain '${name}': {"device":"copy-vda-libvirt-1-format","len":L,"offset":N,"speed":0,"type":"mirror","error":"No space left on device"}`,
    ]);
    expect(tsvirtd.targetMode).toBe(0o600);
  }, 300_000);
});
