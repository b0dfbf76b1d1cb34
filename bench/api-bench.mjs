// Two measurements of @tsvirt/api beside libvirt itself, in one run:
//  (1) API round trips on test:///default: define, look up, format (getXMLDesc) and undefine N
//      domains through @tsvirt/api, and the same loop through Debian's python3-libvirt on
//      libvirt's own test driver (in-process on both sides; only the loop is timed);
//  (2) cold start of the CLI: `./tsvirsh -c test:///default list --all` against virsh, with
//      `node -e 0` as the floor and the CLI without its bash wrapper (hyperfine when installed).
// Env: BENCH_N (domains, default 2000), BENCH_ROUNDS (timed loops of N per side, the best is
// reported, default 3), BENCH_RUNS (cold-start runs, default 20).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_N ?? 2000);
const WARMUP = Math.min(200, N);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const CALLS = 4; // defineXML, lookupByName, getXMLDesc, undefine
const URI = 'test:///default';

const domainXML = (name) =>
  `<domain type='test'><name>${name}</name><memory unit='KiB'>1048576</memory><vcpu>1</vcpu>` +
  `<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>` +
  `<source file='/var/lib/libvirt/images/${name}.img'/><target dev='vda' bus='virtio'/></disk>` +
  `<interface type='network'><source network='default'/></interface></devices></domain>`;

const tmp = mkdtempSync(join(tmpdir(), 'api-bench-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const fmt = (x, digits = 1) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : String(x ?? 'n/a'));
const lastLine = (s) => String(s ?? '').trim().split('\n').pop();

// ---------------------------------------------------------------------------------------------
// (1) API round trips

/** @tsvirt/api from the built workspace, with the test driver mapped to its built file. */
async function loadApi() {
  const api = await import(pathToFileURL(join(root, 'packages/api/dist/index.js')).href);
  const drivers = { '@tsvirt/driver-test': join(root, 'packages/driver-test/dist/index.js') };
  api.addDriverImporter(async (specifier) => {
    if (drivers[specifier]) return import(pathToFileURL(drivers[specifier]).href);
    const e = new Error(`Cannot find package '${specifier}'`);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  });
  return api;
}

async function tsvirtLoop() {
  const api = await loadApi();
  const conn = await api.connect(URI);
  let bytes = 0;
  const pass = async (prefix, n) => {
    for (let i = 0; i < n; i++) {
      const name = `${prefix}-${i}`;
      await conn.defineXML(domainXML(name));
      const dom = await conn.lookupByName(name);
      bytes += (await dom.getXMLDesc()).length;
      await dom.undefine();
    }
  };
  await pass('warm', WARMUP);
  let secs = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    bytes = 0;
    const t0 = process.hrtime.bigint();
    await pass(`bench${r}`, N);
    secs = Math.min(secs, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const left = (await conn.listAllDomains()).map((d) => d.getName());
  await conn.close();
  await api.unloadDrivers();
  return { secs, bytes, left };
}

const py = `
import json, sys, time
import libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
n, warm, rounds = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[4])
tmpl = open(sys.argv[3]).read()
c = libvirt.open('test:///default')
def run(prefix, n):
    total = 0
    for i in range(n):
        name = '%s-%d' % (prefix, i)
        c.defineXML(tmpl.replace('@NAME@', name))
        dom = c.lookupByName(name)
        total += len(dom.XMLDesc(0))
        dom.undefine()
    return total
run('warm', warm)
secs = float('inf')
for r in range(rounds):
    t = time.perf_counter()
    total = run('bench%d' % r, n)
    secs = min(secs, time.perf_counter() - t)
left = sorted(d.name() for d in c.listAllDomains(0))
c.close()
print(json.dumps({"secs": secs, "bytes": total, "left": left, "version": libvirt.getVersion()}))
`;

function libvirtLoop() {
  writeFileSync(join(tmp, 'loop.py'), py);
  writeFileSync(join(tmp, 'domain.xml'), domainXML('@NAME@'));
  const r = spawnSync('/usr/bin/python3', [join(tmp, 'loop.py'), String(N), String(WARMUP), join(tmp, 'domain.xml'), String(ROUNDS)], { encoding: 'utf8' });
  if (r.status !== 0) return { unavailable: lastLine(r.stderr || r.error?.message) || `exit ${r.status}` };
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------------
// (2) cold start

const cliPath = join(root, 'tools/virsh/dist/bundle/cli.js');
const COMMANDS = [
  { key: 'floor', label: 'node -e 0', cmd: ['node', '-e', '0'] },
  { key: 'virsh', label: `virsh -c ${URI} list --all`, cmd: ['virsh', '-c', URI, 'list', '--all'] },
  { key: 'tsvirsh', label: `./tsvirsh -c ${URI} list --all`, cmd: ['./tsvirsh', '-c', URI, 'list', '--all'] },
  { key: 'cli', label: `node tools/virsh/dist/bundle/cli.js -c ${URI} list --all`, cmd: ['node', 'tools/virsh/dist/bundle/cli.js', '-c', URI, 'list', '--all'] },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

/** Would ./tsvirsh rebuild before running? (the wrapper's own test, repeated here) */
function wrapperStale() {
  if (!existsSync(cliPath)) return true;
  const r = spawnSync('find', ['packages', 'tools', '-name', 'node_modules', '-prune', '-o', '-path', '*/src/*', '-newer', cliPath, '-print', '-quit'], { cwd: root, encoding: 'utf8' });
  return r.stdout.trim();
}

function coldStart() {
  const available = COMMANDS.filter((c) => c.key !== 'virsh' || has('virsh'));
  // One run of each first: the wrapper rebuilds here if sources are newer than its build, and
  // the outputs of tsvirsh and virsh are compared.
  const outputs = {};
  for (const c of available) {
    const r = spawnSync(c.cmd[0], c.cmd.slice(1), { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) return { error: `${c.label}: exit ${r.status}: ${lastLine(r.stderr || r.error?.message)}` };
    outputs[c.key] = r.stdout;
  }
  const stale = wrapperStale();
  const notes = [];
  if (stale) notes.push(`./tsvirsh still sees ${stale === true ? 'no build' : `${stale} newer than its build`}: each run may rebuild (someone is editing sources?)`);
  if (outputs.virsh !== undefined && outputs.virsh !== outputs.tsvirsh) notes.push('tsvirsh and virsh printed different output for list --all');

  const builtAt = statSync(cliPath).mtimeMs;
  const mean = {};
  let tool;
  if (has('hyperfine')) {
    tool = `hyperfine --warmup 3 --runs ${RUNS} -N`;
    const json = join(tmp, 'hyperfine.json');
    const args = ['--warmup', '3', '--runs', String(RUNS), '-N', '--style', 'none', '--export-json', json, ...available.map((c) => c.cmd.join(' '))];
    const r = spawnSync('hyperfine', args, { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) return { error: `hyperfine: exit ${r.status}: ${lastLine(r.stderr)}` };
    const results = JSON.parse(readFileSync(json, 'utf8')).results;
    available.forEach((c, i) => {
      mean[c.key] = { ms: results[i].mean * 1000, sd: results[i].stddev * 1000, median: results[i].median * 1000 };
    });
  } else {
    tool = `spawnSync, 3 warm-ups + ${RUNS} runs (hyperfine not installed)`;
    for (const c of available) {
      const times = [];
      for (let i = 0; i < 3 + RUNS; i++) {
        const t0 = process.hrtime.bigint();
        spawnSync(c.cmd[0], c.cmd.slice(1), { cwd: root, stdio: 'ignore' });
        if (i >= 3) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const m = times.reduce((a, b) => a + b, 0) / times.length;
      const sorted = [...times].sort((a, b) => a - b);
      const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
      mean[c.key] = { ms: m, sd: Math.sqrt(times.reduce((a, t) => a + (t - m) ** 2, 0) / Math.max(1, times.length - 1)), median };
    }
  }
  if (statSync(cliPath).mtimeMs !== builtAt) notes.push('tools/virsh/dist/bundle/cli.js was rewritten during the runs (a build ran meanwhile): the figures may include build work; see the medians');
  return { tool, mean, notes, available };
}

// ---------------------------------------------------------------------------------------------

console.log(`api bench: N=${N} domains (${WARMUP} warm-up, best of ${ROUNDS} loops), ${CALLS} calls each (define, lookup, getXMLDesc, undefine), on ${URI}`);
const ts = await tsvirtLoop();
const tsOps = (N * CALLS) / ts.secs;
console.log(`tsvirt  @tsvirt/api   : ${fmt(tsOps, 0)} ops/s, ${fmt((ts.secs * 1e6) / N)} µs per domain (${fmt(ts.secs, 3)} s; left: ${ts.left.join(',')})`);
const lv = libvirtLoop();
let lvOps;
if (lv.unavailable) {
  console.log(`libvirt python3-libvirt: unavailable (${lv.unavailable})`);
} else {
  lvOps = (N * CALLS) / lv.secs;
  console.log(`libvirt python3-libvirt: ${fmt(lvOps, 0)} ops/s, ${fmt((lv.secs * 1e6) / N)} µs per domain (${fmt(lv.secs, 3)} s; libvirt ${lv.version}; left: ${lv.left.join(',')})`);
  console.log(`ratio tsvirt/libvirt ops/s: ${fmt(tsOps / lvOps, 2)}`);
}

const load = existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').split(' ')[0] : 'n/a';
console.log(`\ncold start (${URI} list --all; load average ${load}):`);
const cs = coldStart();
if (cs.error) {
  console.log(`unavailable: ${cs.error}`);
} else {
  console.log(`measured with ${cs.tool}`);
  for (const c of cs.available) {
    const { ms, sd, median } = cs.mean[c.key];
    console.log(`  ${c.label.padEnd(58)} mean ${fmt(ms).padStart(7)} ms ± ${fmt(sd).padEnd(6)} median ${fmt(median).padStart(7)} ms`);
  }
  for (const n of cs.notes) console.log(`  note: ${n}`);
}

// Compact table
const m = cs.mean ?? {};
const ratio = (a, b) => (a && b ? fmt(a.ms / b.ms, 2) : 'n/a');
const rows = [
  ['api loop ops/s', fmt(tsOps, 0), lvOps ? fmt(lvOps, 0) : 'n/a', lvOps ? `${fmt(tsOps / lvOps, 2)}x` : 'n/a'],
  ['cold start ms (./tsvirsh)', fmt(m.tsvirsh?.ms), fmt(m.virsh?.ms), `${ratio(m.tsvirsh, m.virsh)}x`],
  ['cold start ms (node cli.js)', fmt(m.cli?.ms), fmt(m.virsh?.ms), `${ratio(m.cli, m.virsh)}x`],
  ['tsvirsh / node -e 0', fmt(m.tsvirsh?.ms), fmt(m.floor?.ms), `${ratio(m.tsvirsh, m.floor)}x`],
  ['bash wrapper cost ms', m.tsvirsh && m.cli ? fmt(m.tsvirsh.ms - m.cli.ms) : 'n/a', '', ''],
];
const head = ['measure', 'tsvirt', 'libvirt / floor', 'ratio'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows) console.log(line(r));
console.log(JSON.stringify({ n: N, tsvirt: { opsPerSec: tsOps, secs: ts.secs }, libvirt: lv.unavailable ? lv : { opsPerSec: lvOps, secs: lv.secs }, coldStartMs: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.ms])) }));
