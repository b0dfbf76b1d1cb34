// Live migration of a 256 MiB TCG guest between two hosts on this machine, back and forth.
// tsvirt: two embed roots (qemu:///embed?root=A → B), each with its own host UUID, migrated with
// the API's migrate3 (client-driven v3 phases), in process. libvirt 9.0: two private libvirtd
// instances in session mode (run as `nobody`, each with its own XDG directories and a
// libvirtd.conf naming its own host_uuid), migrated with python3-libvirt's migrate3 in process.
// The system libvirtd is never touched. Same guest, same runs, same machine, one run.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_QEMU_MIGRATE_RUNS ?? 6);
const LIVE = 1;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const domainXML = (name) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;

async function tsvirt() {
  const api = await import(pathToFileURL(join(root, 'packages/api/dist/bundle/index.js')).href);
  api.addDriverImporter(async (s) => (s === '@tsvirt/driver-qemu' ? import(pathToFileURL(join(root, 'packages/driver-qemu/dist/bundle/index.js')).href) : undefined));
  const dirs = [mkdtempSync(join(tmpdir(), 'qemu-migrate-bench-a-')), mkdtempSync(join(tmpdir(), 'qemu-migrate-bench-b-'))];
  const conns = await Promise.all(dirs.map((d) => api.connect(`qemu:///embed?root=${d}`)));
  const times = [];
  try {
    let dom = await conns[0].createXML(domainXML('migb'));
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      dom = await dom.migrate3(conns[(i + 1) % 2], [], LIVE);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    await dom.destroy();
  } finally {
    for (const c of conns) await c.close();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
  return times;
}

const PY = `
import json, sys, time, libvirt
a, b, runs, xml = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
conns = [libvirt.open(a), libvirt.open(b)]
dom = conns[0].createXML(xml, 0)
out = []
for i in range(runs):
    t0 = time.monotonic()
    dom = dom.migrate3(conns[(i + 1) % 2], {libvirt.VIR_MIGRATE_PARAM_URI: 'tcp://127.0.0.1'}, libvirt.VIR_MIGRATE_LIVE)
    out.append((time.monotonic() - t0) * 1000)
dom.destroy()
print(json.dumps(out))
`;

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];

/** Two private session-mode libvirtd instances (user nobody), each its own host; answers their socket URIs and a stop. */
async function libvirtdPair() {
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
  return { uris, stop, home: join(dir, 'a', 'home') };
}

async function libvirt() {
  if (process.getuid?.() !== 0) return { skipped: 'needs root to run the two private libvirtd instances as nobody' };
  if (!existsSync('/usr/sbin/libvirtd')) return { skipped: 'libvirtd 9.0 is not installed' };
  const pair = await libvirtdPair();
  try {
    const r = spawnSync('setpriv', [...NOBODY, 'env', '-i', `HOME=${pair.home}`, 'PATH=/usr/bin:/bin', '/usr/bin/python3', '-c', PY, ...pair.uris, String(RUNS), domainXML('migb')],
      { encoding: 'utf8', timeout: 600_000 });
    if (r.status !== 0) return { skipped: `python3-libvirt failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}` };
    return { times: JSON.parse(r.stdout.trim().split('\n').pop()) };
  } finally {
    await pair.stop();
  }
}

const ours = await tsvirt();
const theirs = await libvirt();
const fmt = (xs) => `median ${median(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
console.log(`live migration, 256 MiB TCG guest, two embed roots, tsvirt API (${RUNS} runs, alternating): ${fmt(ours)}`);
if (theirs.times) {
  console.log(`live migration, 256 MiB TCG guest, two session libvirtd 9.0, python3-libvirt: ${fmt(theirs.times)}`);
  const ratio = median(ours) / median(theirs.times);
  console.log(`ratio: tsvirt takes ${ratio.toFixed(2)}× libvirt's wall time (goal ≤ 1×)`);
} else console.log(`libvirt side: ${theirs.skipped}`);
