// Two private session-mode libvirtd 9.0 instances for the migration benches (user nobody, each
// with its own XDG directories and a libvirtd.conf naming its own host_uuid, so they are two hosts).
// The system libvirtd is never touched.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** Two private session-mode libvirtd instances (user nobody), each its own host; answers their socket URIs and a stop. */
export async function libvirtdPair() {
  const dir = mkdtempSync(join(tmpdir(), 'qemu-migrate-bench-libvirt-'));
  chmodSync(dir, 0o755);
  const procs = [];
  const uris = [];
  for (const side of ['a', 'b']) {
    const base = join(dir, side);
    for (const sub of ['home', 'run', 'cfg/libvirt', 'cache']) mkdirSync(join(base, sub), { recursive: true });
    writeFileSync(join(base, 'cfg/libvirt/libvirtd.conf'), `host_uuid = "${randomUUID()}"\n`);
    spawnSync('chown', ['-R', 'nobody:nogroup', base]);
    chmodSync(join(base, 'run'), 0o700);
    const env = { HOME: join(base, 'home'), XDG_RUNTIME_DIR: join(base, 'run'), XDG_CONFIG_HOME: join(base, 'cfg'), XDG_CACHE_HOME: join(base, 'cache'), PATH: '/usr/bin:/bin:/usr/sbin' };
    procs.push(spawn('setpriv', [...NOBODY, '/usr/sbin/libvirtd', '--timeout', '600'], { env, stdio: 'ignore' }));
    const sock = join(base, 'run/libvirt/libvirt-sock');
    uris.push(`qemu+unix:///session?socket=${sock}`);
  }
  const stop = async () => {
    for (const p of procs) p.kill('SIGTERM');
    await sleep(500);
    for (const p of procs) if (p.exitCode === null) p.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && !uris.every((u) => existsSync(u.split('socket=')[1])); i++) await sleep(100);
  return { uris, stop, home: join(dir, 'a', 'home'), bases: ['a', 'b'].map((s) => join(dir, s)) };
}


/** Runs a python3-libvirt script as nobody beside the pair; its last line of output is the JSON list of times. */
export function pythonTimes(pair, script, args, timeoutMs) {
  const r = spawnSync('setpriv', [...NOBODY, 'env', '-i', `HOME=${pair.home}`, 'PATH=/usr/bin:/bin', '/usr/bin/python3', '-c', script, ...args],
    { encoding: 'utf8', timeout: timeoutMs });
  if (r.status !== 0) return { skipped: `python3-libvirt failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
  return { times: JSON.parse(r.stdout.trim().split('\n').pop()) };
}

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
export const fmtTimes = (xs) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;

/** Runs `fn` beside a fresh pair (stopped after it), or answers why libvirt's side cannot run here. */
export async function withLibvirtdPair(fn) {
  if (process.getuid?.() !== 0) return { skipped: 'needs root to run the two private libvirtd instances as nobody' };
  if (!existsSync('/usr/sbin/libvirtd')) return { skipped: 'libvirtd 9.0 is not installed' };
  const pair = await libvirtdPair();
  try {
    return await fn(pair);
  } finally {
    await pair.stop();
  }
}
