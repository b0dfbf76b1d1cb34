// A 1,000-command virsh script on test:///default, run once through tsvirsh and once through
// Debian's virsh 9.0 in the same run: wall time of each, the ratio, and whether the outputs agree
// (CPU times masked, as the test driver derives them from the clock).
// Env: BENCH_COMMANDS (script length, default 1000).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 1000);
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

function run(bin) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(bin, ['-c', 'test:///default', text], { cwd: tmp, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, LC_ALL: 'C' } });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.error) throw r.error;
  const mask = (s) => s.replace(/^(CPU time: +)\S+/gm, '$1X');
  return { secs, status: r.status, out: mask(r.stdout), err: r.stderr };
}

const virsh = spawnSync('sh', ['-c', 'command -v virsh'], { encoding: 'utf8' }).stdout.trim();
if (!virsh) {
  console.log('virsh-script-bench: skipped, virsh (libvirt-clients) is not installed');
  process.exit(0);
}
const tsvirsh = join(root, 'tools/virsh/test/oracle/tsvirsh-node.sh');
const theirs = run(virsh);
const ours = run(tsvirsh);
const agree = ours.out === theirs.out && ours.err === theirs.err && ours.status === theirs.status;
console.log(`${COMMANDS}-command script on test:///default, one run each`);
console.log(`  virsh 9.0   ${theirs.secs.toFixed(3)} s  (${(COMMANDS / theirs.secs).toFixed(0)} commands/s)`);
console.log(`  tsvirsh     ${ours.secs.toFixed(3)} s  (${(COMMANDS / ours.secs).toFixed(0)} commands/s)`);
console.log(`  ratio       ${(theirs.secs / ours.secs).toFixed(2)}x virsh's speed; outputs ${agree ? 'identical' : 'DIFFER'}`);
if (!agree) {
  const a = theirs.out.split('\n');
  const b = ours.out.split('\n');
  const at = a.findIndex((l, k) => l !== b[k]);
  console.log(`  first difference at stdout line ${at + 1}: virsh ${JSON.stringify(a[at])} tsvirsh ${JSON.stringify(b[at])}`);
  if (ours.err !== theirs.err) console.log(`  stderr: virsh ${JSON.stringify(theirs.err.slice(0, 200))} tsvirsh ${JSON.stringify(ours.err.slice(0, 200))}`);
}
