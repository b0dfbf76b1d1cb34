// A 1,000-command virsh script on test:///default through tsvirsh and through Debian's virsh 9.0
// in the same run, interleaved: medians of wall time and of CPU time (user + system, which a loaded
// machine disturbs less), the ratios, and whether the outputs agree (CPU times masked, as the test
// driver derives them from the clock). Env: BENCH_COMMANDS (script length, default 1000),
// BENCH_RUNS (timed runs of each, default 7).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitRow, skipRows } from './rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 1000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const tmp = mkdtempSync(join(tmpdir(), 'virsh-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const domainXML = (i) =>
  `<domain type='test'><name>b${i}</name><uuid>00000000-0000-4000-8000-${String(i).padStart(12, '0')}</uuid>` +
  `<memory unit='KiB'>1048576</memory><vcpu>1</vcpu><os><type arch='x86_64'>hvm</type></os></domain>`;

/** One round of a domain's life, with the monitoring commands a script would run between steps. */
const round = (i) => [
  `define b${i}.xml`, `dominfo b${i}`, `start b${i}`, `domstate b${i} --reason`, `list --all`, `suspend b${i}`,
  `resume b${i}`, `dumpxml b${i}`, `domid b${i}`, `domuuid b${i}`, `destroy b${i}`, `undefine b${i}`, 'nodeinfo', 'uri',
];
const script = [];
for (let i = 0; script.length < COMMANDS; i++) {
  writeFileSync(join(tmp, `b${i}.xml`), domainXML(i));
  script.push(...round(i));
}
script.length = COMMANDS;
const text = script.join('\n');

const env = { ...process.env, LC_ALL: 'C' };

/** One run's output, for comparing the two programs. */
function output(bin) {
  const r = spawnSync(bin, ['-c', 'test:///default', text], { cwd: tmp, encoding: 'utf8', maxBuffer: 1 << 28, env });
  if (r.error) throw r.error;
  const mask = (s) => s.replace(/^(CPU time: +)\S+/gm, '$1X');
  return { status: r.status, out: mask(r.stdout), err: r.stderr };
}

/** One timed run: wall seconds, and the CPU seconds bash's `times` gives for its child. */
function timed(bin) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', '"$0" -c test:///default "$1" >/dev/null 2>&1; times', bin, text], { cwd: tmp, encoding: 'utf8', env });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  const [, um, us, sm, ss] = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout.trim()) ?? [];
  return { wall, cpu: Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss) };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const virsh = spawnSync('sh', ['-c', 'command -v virsh'], { encoding: 'utf8' }).stdout.trim();
if (!virsh) {
  console.log('virsh-script-bench: skipped, virsh (libvirt-clients) is not installed');
  skipRows('virsh (libvirt-clients) is not installed');
  process.exit(0);
}
// The wrapper users run: it unsets NODE_EXTRA_CA_CERTS, whose CA bundle Node 20 parses at start.
const tsvirsh = join(root, 'tsvirsh');
const theirs = output(virsh);
const ours = output(tsvirsh);
const agree = ours.out === theirs.out && ours.err === theirs.err && ours.status === theirs.status;
const runs = { virsh: [], tsvirsh: [] };
for (let i = 0; i < RUNS; i++) {
  runs.virsh.push(timed(virsh));
  runs.tsvirsh.push(timed(tsvirsh));
}
const row = (label, rs) => {
  const wall = median(rs.map((r) => r.wall));
  const cpu = median(rs.map((r) => r.cpu));
  console.log(`  ${label.padEnd(10)} wall ${wall.toFixed(3)} s (${(COMMANDS / wall).toFixed(0)} commands/s)  cpu ${cpu.toFixed(3)} s`);
  return { wall, cpu };
};
console.log(`${COMMANDS}-command script on test:///default, medians of ${RUNS} interleaved runs each, load average ${loadavg()[0].toFixed(1)}`);
const v = row('virsh 9.0', runs.virsh);
const t = row('tsvirsh', runs.tsvirsh);
console.log(`  ratio      ${(v.wall / t.wall).toFixed(2)}x virsh's speed (wall), ${(v.cpu / t.cpu).toFixed(2)}x (cpu); outputs ${agree ? 'identical' : 'DIFFER'}`);
emitRow('script', {
  tsvirt: t.cpu * 1000, libvirt: v.cpu * 1000, unit: 'ms CPU',
  note: `${COMMANDS} commands, CPU medians of ${RUNS} interleaved runs; by wall ${(v.wall / t.wall).toFixed(2)}× (${(t.wall * 1000).toFixed(0)} vs ${(v.wall * 1000).toFixed(0)} ms); outputs ${agree ? 'identical' : 'DIFFER'}`,
});
if (!agree) {
  const a = theirs.out.split('\n');
  const b = ours.out.split('\n');
  const at = a.findIndex((l, k) => l !== b[k]);
  console.log(`  first difference at stdout line ${at + 1}: virsh ${JSON.stringify(a[at])} tsvirsh ${JSON.stringify(b[at])}`);
  if (ours.err !== theirs.err) console.log(`  stderr: virsh ${JSON.stringify(theirs.err.slice(0, 200))} tsvirsh ${JSON.stringify(ours.err.slice(0, 200))}`);
}
