// The API loop (define, look up, getXMLDesc, undefine) through libvirtd's RPC, in one run:
// tsvirt's @tsvirt/remote against Debian's python3-libvirt, both talking to the same private
// libvirtd (its built-in test driver, test+unix:///default). tsvirt runs it twice: one domain at
// a time (as python does), and pipelined (BENCH_PIPE domains in flight; the API is async).
// Env: BENCH_N (domains, default 1000), BENCH_ROUNDS (best of, default 5), BENCH_PIPE (default 16).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { emitRow, skipRows } from './rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_N ?? 1000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const PIPE = Math.max(1, Number(process.env.BENCH_PIPE ?? 16));
const CALLS = 4;
const fmt = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');

const load = (p) => import(pathToFileURL(join(root, p)).href);
const testing = await load('packages/remote/dist/testing.js');
const missing = testing.libvirtdMissing();
if (missing) {
  console.log(`remote bench: skipped, ${missing}`);
  skipRows(missing);
  process.exit(0);
}
const api = await load('packages/api/dist/index.js');
api.addDriverImporter(async (s) => {
  if (s === '@tsvirt/remote') return load('packages/remote/dist/index.js');
  throw Object.assign(new Error(`Cannot find package '${s}'`), { code: 'ERR_MODULE_NOT_FOUND' });
});

const domainXML = (name) =>
  `<domain type='test'><name>${name}</name><memory unit='KiB'>1048576</memory><vcpu>1</vcpu>` +
  `<os><type arch='x86_64'>hvm</type></os><devices><disk type='file' device='disk'>` +
  `<source file='/var/lib/libvirt/images/${name}.img'/><target dev='vda' bus='virtio'/></disk>` +
  `<interface type='network'><source network='default'/></interface></devices></domain>`;

// libvirtd serves at most max_client_requests (default 5) calls of one client at a time
const daemon = await testing.startLibvirtd('max_client_requests = 64');
const tmp = mkdtempSync(join(tmpdir(), 'remote-bench-'));
try {
  const conn = await api.connect(daemon.uri);
  const one = async (name) => {
    await conn.defineXML(domainXML(name));
    const dom = await conn.lookupByName(name);
    const xml = await dom.getXMLDesc();
    await dom.undefine();
    return xml.length;
  };
  const timed = async (run, prefix) => {
    const t0 = process.hrtime.bigint();
    await run(prefix, N);
    return (N * CALLS) / (Number(process.hrtime.bigint() - t0) / 1e9);
  };
  const serialRun = async (p, n) => {
    for (let i = 0; i < n; i++) await one(`${p}-${i}`);
  };
  const pipeRun = async (p, n) => {
    let next = 0;
    await Promise.all(Array.from({ length: PIPE }, async () => {
      while (next < n) await one(`${p}-${next++}`);
    }));
  };

  writeFileSync(join(tmp, 'loop.py'), `
import json, sys, time, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
n, prefix, uri = int(sys.argv[1]), sys.argv[2], sys.argv[4]
tmpl = open(sys.argv[3]).read()
c = libvirt.open(uri)
def run(prefix, n):
    for i in range(n):
        name = '%s-%d' % (prefix, i)
        c.defineXML(tmpl.replace('@NAME@', name))
        dom = c.lookupByName(name)
        dom.XMLDesc(0)
        dom.undefine()
run(prefix + 'w', min(100, n))
t = time.perf_counter()
run(prefix, n)
c.close()
print(json.dumps({"opsPerSec": n * 4 / (time.perf_counter() - t)}))
`);
  writeFileSync(join(tmp, 'domain.xml'), domainXML('@NAME@'));
  const python = (prefix) => {
    const py = spawnSync('/usr/bin/python3', [join(tmp, 'loop.py'), String(N), prefix, join(tmp, 'domain.xml'), daemon.uri], { encoding: 'utf8' });
    if (py.status !== 0) throw new Error(`python3-libvirt: ${py.stderr.trim().split('\n').pop()}`);
    return JSON.parse(py.stdout).opsPerSec;
  };
  // the machine is shared: the three loops take turns, round after round, and each keeps its best
  await serialRun('warm', Math.min(100, N));
  let serial = 0;
  let pipelined = 0;
  let lv = 0;
  for (let r = 0; r < ROUNDS; r++) {
    serial = Math.max(serial, await timed(serialRun, `s${r}`));
    pipelined = Math.max(pipelined, await timed(pipeRun, `p${r}`));
    lv = Math.max(lv, python(`py${r}`));
  }
  const left = (await conn.listAllDomains()).map((d) => d.getName());
  await conn.close();
  console.log(`remote bench: N=${N} domains × ${CALLS} calls through one libvirtd (test+unix:///default), best of ${ROUNDS} rounds taken in turn`);
  console.log(`tsvirt @tsvirt/remote, one at a time : ${fmt(serial)} calls/s`);
  console.log(`tsvirt @tsvirt/remote, ${PIPE} in flight  : ${fmt(pipelined)} calls/s`);
  console.log(`python3-libvirt, one at a time      : ${fmt(lv)} calls/s`);
  console.log(`ratio one at a time: ${fmt(serial / lv, 2)}x; pipelined: ${fmt(pipelined / lv, 2)}x (goal ≥ 1.5x); left: ${left.join(',')}`);
  console.log(JSON.stringify({ n: N, tsvirtSerial: serial, tsvirtPipelined: pipelined, python: lv }));
  const note = `${N} domains, best of ${ROUNDS} rounds taken in turn`;
  emitRow('remote-pipelined', { tsvirt: pipelined, libvirt: lv, unit: 'calls/s', note: `${PIPE} in flight; ${note}` });
  emitRow('remote-serial', { tsvirt: serial, libvirt: lv, unit: 'calls/s', note });
} finally {
  await daemon.stop();
  rmSync(tmp, { recursive: true, force: true });
  await api.unloadDrivers();
}
