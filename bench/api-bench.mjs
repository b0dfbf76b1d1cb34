// Two measurements of @tsvirt/api beside libvirt itself, in one run:
//  (1) API round trips on test:///default: define, look up, format (getXMLDesc) and undefine N
//      domains through @tsvirt/api, and the same loop through Debian's python3-libvirt on
//      libvirt's own test driver, each in a fresh process: the first N cycles, then (after N
//      more) N warm ones (in-process on both sides; only the loops are timed);
//  (2) cold start of the CLI: `./tsvirsh -c test:///default list --all` against virsh, with
//      `node -e 0` as the floor and the program the wrapper execs without the wrapper (so the
//      difference is the wrapper's own cost), all without NODE_EXTRA_CA_CERTS as ./tsvirsh runs
//      node (hyperfine when installed).
// Rates are given per wall-clock second and per CPU second (the whole process, user + system: on a
// shared machine the wall clock also counts the time other processes held the CPU).
// Env: BENCH_N (domains per loop, default 2000), BENCH_RUNS (cold-start runs, default 20).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { emitRow } from './rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_N ?? 2000);
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
// (1) API round trips, each side in a fresh process: the first N cycles (what a short-lived tool
//     or a test pays, before the JIT has warmed up), then N more untimed, then N timed (warm).

/** @tsvirt/api from the built workspace, with the test driver mapped to its built bundle. */
async function loadApi() {
  const api = await import(pathToFileURL(join(root, 'packages/api/dist/bundle/index.js')).href);
  const drivers = { '@tsvirt/driver-test': join(root, 'packages/driver-test/dist/bundle/index.js') };
  api.addDriverImporter(async (specifier) => {
    if (drivers[specifier]) return import(pathToFileURL(drivers[specifier]).href);
    const e = new Error(`Cannot find package '${specifier}'`);
    e.code = 'ERR_MODULE_NOT_FOUND';
    throw e;
  });
  return api;
}

/** The loop itself, run in the child process (`api-bench.mjs --loop`); prints JSON. */
async function tsvirtChild() {
  const api = await loadApi();
  const conn = await api.connect(URI);
  let bytes = 0;
  // Wall and CPU seconds (every thread of the process: the JIT's and GC's helpers count).
  const pass = async (prefix, n) => {
    const t0 = process.hrtime.bigint();
    const c0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const name = `${prefix}-${i}`;
      await conn.defineXML(domainXML(name));
      const dom = await conn.lookupByName(name);
      bytes += (await dom.getXMLDesc()).length;
      await dom.undefine();
    }
    const c = process.cpuUsage(c0);
    return [Number(process.hrtime.bigint() - t0) / 1e9, (c.user + c.system) / 1e6];
  };
  const [first, firstCpu] = await pass('first', N);
  await pass('warm', N);
  bytes = 0;
  const [warm, warmCpu] = await pass('timed', N);
  const left = (await conn.listAllDomains()).map((d) => d.getName());
  await conn.close();
  await api.unloadDrivers();
  console.log(JSON.stringify({ first, warm, firstCpu, warmCpu, bytes, left }));
}

function tsvirtLoop() {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--loop'], { cwd: root, encoding: 'utf8', env: { ...process.env, BENCH_N: String(N) } });
  if (r.status !== 0) return { unavailable: lastLine(r.stderr) || `exit ${r.status}` };
  return JSON.parse(lastLine(r.stdout));
}

const py = `
import json, sys, time
import libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
n = int(sys.argv[1])
tmpl = open(sys.argv[2]).read()
c = libvirt.open('test:///default')
def run(prefix):
    total = 0
    t = time.perf_counter()
    cpu = time.process_time()
    for i in range(n):
        name = '%s-%d' % (prefix, i)
        c.defineXML(tmpl.replace('@NAME@', name))
        dom = c.lookupByName(name)
        total += len(dom.XMLDesc(0))
        dom.undefine()
    return time.perf_counter() - t, time.process_time() - cpu, total
first, firstCpu, _ = run('first')
run('warm')
warm, warmCpu, total = run('timed')
left = sorted(d.name() for d in c.listAllDomains(0))
c.close()
print(json.dumps({"first": first, "warm": warm, "firstCpu": firstCpu, "warmCpu": warmCpu, "bytes": total, "left": left, "version": libvirt.getVersion()}))
`;

function libvirtLoop() {
  writeFileSync(join(tmp, 'loop.py'), py);
  writeFileSync(join(tmp, 'domain.xml'), domainXML('@NAME@'));
  const r = spawnSync('/usr/bin/python3', [join(tmp, 'loop.py'), String(N), join(tmp, 'domain.xml')], { encoding: 'utf8' });
  if (r.status !== 0) return { unavailable: lastLine(r.stderr || r.error?.message) || `exit ${r.status}` };
  return JSON.parse(r.stdout);
}

// ---------------------------------------------------------------------------------------------
// (2) cold start

const PROGRAM = 'tools/virsh/dist/program/tsvirsh.cjs';
const cliPath = join(root, PROGRAM);
// ./tsvirsh unsets it before it execs node (Node 20 parses that CA bundle at start): every
// command here runs without it, so the floor is the wrapper's and `cli` differs by the wrapper alone.
const { NODE_EXTRA_CA_CERTS: _, ...asTheWrapperRunsNode } = process.env;
const COMMANDS = [
  { key: 'floor', label: 'node -e 0 (without NODE_EXTRA_CA_CERTS)', cmd: ['node', '-e', '0'] },
  { key: 'virsh', label: `virsh -c ${URI} list --all`, cmd: ['virsh', '-c', URI, 'list', '--all'] },
  { key: 'tsvirsh', label: `./tsvirsh -c ${URI} list --all`, cmd: ['./tsvirsh', '-c', URI, 'list', '--all'] },
  { key: 'cli', label: `node ${PROGRAM} -c ${URI} list --all`, cmd: ['node', PROGRAM, '-c', URI, 'list', '--all'] },
];

const has = (bin) => spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;

/** Is the program older than a source file? (./tsvirsh runs it as built: after an edit, `pnpm build`) */
function wrapperStale() {
  if (!existsSync(cliPath)) return true;
  const r = spawnSync('find', ['packages', 'tools', '-name', 'node_modules', '-prune', '-o', '-path', '*/src/*', '-newer', cliPath, '-print', '-quit'], { cwd: root, encoding: 'utf8' });
  return r.stdout.trim();
}

function coldStart() {
  const available = COMMANDS.filter((c) => c.key !== 'virsh' || has('virsh'));
  // One run of each first: the outputs of tsvirsh and virsh are compared.
  const outputs = {};
  for (const c of available) {
    const r = spawnSync(c.cmd[0], c.cmd.slice(1), { cwd: root, encoding: 'utf8', env: asTheWrapperRunsNode });
    if (r.status !== 0) return { error: `${c.label}: exit ${r.status}: ${lastLine(r.stderr || r.error?.message)}` };
    outputs[c.key] = r.stdout;
  }
  const stale = wrapperStale();
  const notes = [];
  if (stale) notes.push(`${stale === true ? 'no build' : `${stale} is newer than the build`}: the figures are of the build as it is (run \`pnpm build\` first)`);
  if (outputs.virsh !== undefined && outputs.virsh !== outputs.tsvirsh) notes.push('tsvirsh and virsh printed different output for list --all');

  const builtAt = statSync(cliPath).mtimeMs;
  const mean = {};
  let tool;
  if (has('hyperfine')) {
    tool = `hyperfine --warmup 3 --runs ${RUNS} -N`;
    const json = join(tmp, 'hyperfine.json');
    const args = ['--warmup', '3', '--runs', String(RUNS), '-N', '--style', 'none', '--export-json', json, ...available.map((c) => c.cmd.join(' '))];
    const r = spawnSync('hyperfine', args, { cwd: root, encoding: 'utf8', env: asTheWrapperRunsNode });
    if (r.status !== 0) return { error: `hyperfine: exit ${r.status}: ${lastLine(r.stderr)}` };
    const results = JSON.parse(readFileSync(json, 'utf8')).results;
    available.forEach((c, i) => {
      mean[c.key] = { ms: results[i].mean * 1000, sd: results[i].stddev * 1000, median: results[i].median * 1000, cpu: (results[i].user + results[i].system) * 1000 };
    });
  } else {
    tool = `spawnSync, 3 warm-ups + ${RUNS} runs (hyperfine not installed)`;
    for (const c of available) {
      const times = [];
      for (let i = 0; i < 3 + RUNS; i++) {
        const t0 = process.hrtime.bigint();
        spawnSync(c.cmd[0], c.cmd.slice(1), { cwd: root, stdio: 'ignore', env: asTheWrapperRunsNode });
        if (i >= 3) times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
      const m = times.reduce((a, b) => a + b, 0) / times.length;
      const sorted = [...times].sort((a, b) => a - b);
      const median = (sorted[(sorted.length - 1) >> 1] + sorted[sorted.length >> 1]) / 2;
      mean[c.key] = { ms: m, sd: Math.sqrt(times.reduce((a, t) => a + (t - m) ** 2, 0) / Math.max(1, times.length - 1)), median };
    }
  }
  if (statSync(cliPath).mtimeMs !== builtAt) notes.push(`${PROGRAM} was rewritten during the runs (a build ran meanwhile): the figures may include build work; see the medians`);
  return { tool, mean, notes, available };
}

// ---------------------------------------------------------------------------------------------

if (process.argv[2] === '--loop') {
  await tsvirtChild();
  process.exit(0);
}

const loadNow = () => (existsSync('/proc/loadavg') ? readFileSync('/proc/loadavg', 'utf8').split(' ')[0] : 'n/a');
console.log(`api bench: ${CALLS} calls a cycle (define, lookup, getXMLDesc, undefine) on ${URI}, each side in a fresh process; load average ${loadNow()}`);
const ts = tsvirtLoop();
const lv = libvirtLoop();
const rate = (secs) => (N * CALLS) / secs;
for (const [key, label] of [['first', `first ${N} cycles of a fresh process`], ['warm', `${N} cycles after ${N} warm-up cycles`]]) {
  const t = ts.unavailable ? undefined : rate(ts[key]);
  const l = lv.unavailable ? undefined : rate(lv[key]);
  const tc = ts.unavailable ? undefined : rate(ts[`${key}Cpu`]);
  const lc = lv.unavailable ? undefined : rate(lv[`${key}Cpu`]);
  console.log(`${label}: tsvirt ${fmt(t, 0)} calls/s, libvirt (python3-libvirt) ${fmt(l, 0)} calls/s, ratio ${t && l ? fmt(t / l, 2) : 'n/a'}×; ` +
    `per CPU second ${fmt(tc, 0)} vs ${fmt(lc, 0)}, ratio ${tc && lc ? fmt(tc / lc, 2) : 'n/a'}×`);
}
if (ts.unavailable) console.log(`tsvirt unavailable: ${ts.unavailable}`);
else console.log(`tsvirt left: ${ts.left.join(',')}`);
if (lv.unavailable) console.log(`libvirt unavailable: ${lv.unavailable}`);
else console.log(`libvirt ${lv.version} left: ${lv.left.join(',')}`);

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
  ...['first', 'warm'].map((k) => {
    const t = ts.unavailable ? undefined : rate(ts[k]);
    const l = lv.unavailable ? undefined : rate(lv[k]);
    return [`api calls/s, ${k === 'first' ? `first ${N} cycles` : `after ${N} warm-up`}`, fmt(t, 0), fmt(l, 0), t && l ? `${fmt(t / l, 2)}x` : 'n/a'];
  }),
  ['cold start ms (./tsvirsh)', fmt(m.tsvirsh?.ms), fmt(m.virsh?.ms), `${ratio(m.tsvirsh, m.virsh)}x`],
  ['cold start ms (node tsvirsh.cjs)', fmt(m.cli?.ms), fmt(m.virsh?.ms), `${ratio(m.cli, m.virsh)}x`],
  ['tsvirsh / node -e 0', fmt(m.tsvirsh?.ms), fmt(m.floor?.ms), `${ratio(m.tsvirsh, m.floor)}x`],
  ['bash wrapper cost ms', m.tsvirsh && m.cli ? fmt(m.tsvirsh.ms - m.cli.ms) : 'n/a', '', ''],
];
const head = ['measure', 'tsvirt', 'libvirt / floor', 'ratio'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`\n${line(head)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of rows) console.log(line(r));
if (!ts.unavailable) {
  for (const k of ['first', 'warm']) {
    emitRow(`api-${k}`, {
      tsvirt: rate(ts[`${k}Cpu`]), ...(lv.unavailable ? { libvirtUnavailable: lv.unavailable } : { libvirt: rate(lv[`${k}Cpu`]) }), unit: 'calls/CPU s',
      note: `${N} cycles${lv.unavailable ? '' : `; by wall ${fmt(rate(ts[k]) / rate(lv[k]), 2)}×`}`,
    });
  }
}
if (m.tsvirsh && m.cli) {
  // CPU (hyperfine's means) where there is one: the wall clock of two runs of a loaded machine
  // differs by more than the few milliseconds of a shell.
  const [ours, program, unit] = m.cli.cpu === undefined ? [m.tsvirsh.median, m.cli.median, 'ms'] : [m.tsvirsh.cpu, m.cli.cpu, 'ms CPU'];
  emitRow('wrapper', {
    tsvirt: ours - program, unit,
    note: `\`./tsvirsh\` ${fmt(ours)} ${unit} less \`node ${PROGRAM}\` ${fmt(program)} ${unit}; wall medians ${fmt(m.tsvirsh.median)} and ${fmt(m.cli.median)} ms (${cs.tool})`,
  });
}
console.log(JSON.stringify({ n: N, tsvirt: ts, libvirt: lv, coldStartMs: Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v.ms])) }));
