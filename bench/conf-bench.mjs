// Parse+format throughput of @tsvirt/conf over libvirt's domain corpus, beside libvirt's own
// define+dumpxml loop (python3-libvirt on test:///default) over the same documents, in one run.
import { readFileSync, readdirSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { loadavg, tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { emitRow } from './rows.mjs';
// The package's own entry (its bundle), as an application loads it: tsc's 150 separate modules
// alone cost about 9 MiB of the peak RSS in Node's module loader.
import { reformatDocument } from '../packages/conf/dist/bundle/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const corpus = join(root, '../shared/libvirt-tests');
const dirs = ['domain/in', 'domain/out'];
const docs = dirs.flatMap((d) => readdirSync(join(corpus, d)).filter((f) => f.endsWith('.xml')).map((f) => readFileSync(join(corpus, d, f), 'utf8')));
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d), 0);
const ROUNDS = Number(process.env.ROUNDS ?? 5);

function pass() {
  let ok = 0;
  for (const d of docs) {
    try {
      reformatDocument('domain', d);
      ok++;
    } catch {
      // Refused documents cost time too; they stay in the measure.
    }
  }
  return ok;
}

pass(); // warm-up: JIT and the spec tables
const t0 = process.hrtime.bigint();
const c0 = process.cpuUsage();
let ok = 0;
for (let i = 0; i < ROUNDS; i++) ok = pass();
const secs = Number(process.hrtime.bigint() - t0) / 1e9;
const used = process.cpuUsage(c0);
// CPU seconds as well as wall seconds: on a shared machine the wall clock also counts the time
// other processes held the CPU, which differs between the two halves of the run.
const cpuSecs = (used.user + used.system) / 1e6;
const rates = (s) => ({ docsPerSec: (docs.length * ROUNDS) / s, mbPerSec: (bytes * ROUNDS) / s / 1e6 });
const tsvirt = {
  documents: docs.length,
  formatted: ok,
  ...rates(secs),
  cpu: rates(cpuSecs),
  peakRssMiB: process.resourceUsage().maxRSS / 1024,
};

// libvirt: define and dumpxml each document on the test driver, then undefine it.
const py = `
import libvirt, sys, time, resource, json
libvirt.registerErrorHandler(lambda *a: None, None)
docs = json.load(open(sys.argv[1]))
rounds = int(sys.argv[2])
c = libvirt.open('test:///default')
ok = 0
t = time.perf_counter()
cpu = time.process_time()
for _ in range(rounds):
    ok = 0
    for d in docs:
        try:
            dom = c.defineXML(d)
            dom.XMLDesc(0)
            dom.undefine()
            ok += 1
        except libvirt.libvirtError:
            pass
secs = time.perf_counter() - t
cpu = time.process_time() - cpu
print(json.dumps({"formatted": ok, "secs": secs, "cpuSecs": cpu, "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
`;
const tmp = mkdtempSync(join(tmpdir(), 'conf-bench-'));
writeFileSync(join(tmp, 'docs.json'), JSON.stringify(docs));
writeFileSync(join(tmp, 'bench.py'), py);
const r = spawnSync('/usr/bin/python3', [join(tmp, 'bench.py'), join(tmp, 'docs.json'), String(ROUNDS)], { encoding: 'utf8' });
rmSync(tmp, { recursive: true, force: true });
let libvirt;
if (r.status === 0) {
  const j = JSON.parse(r.stdout);
  libvirt = { formatted: j.formatted, ...rates(j.secs), cpu: rates(j.cpuSecs), peakRssMiB: j.peakRssMiB };
} else {
  libvirt = { unavailable: (r.stderr || r.error?.message || '').trim().split('\n').pop() };
}

const fmt = (x) => (typeof x === 'number' ? x.toFixed(1) : x);
console.log(`conf bench: ${docs.length} domain documents, ${(bytes / 1e6).toFixed(2)} MB, ${ROUNDS} rounds, load average ${loadavg()[0].toFixed(1)}`);
const cpuNote = (r) => `; per CPU second ${fmt(r.cpu.docsPerSec)} documents/s, ${fmt(r.cpu.mbPerSec)} MB/s`;
console.log(`tsvirt parse+format : ${fmt(tsvirt.docsPerSec)} documents/s, ${fmt(tsvirt.mbPerSec)} MB/s, peak RSS ${fmt(tsvirt.peakRssMiB)} MiB (${tsvirt.formatted} formatted)${cpuNote(tsvirt)}`);
if (libvirt.unavailable) console.log(`libvirt define+dumpxml: unavailable (${libvirt.unavailable})`);
else console.log(`libvirt define+dumpxml: ${fmt(libvirt.docsPerSec)} documents/s, ${fmt(libvirt.mbPerSec)} MB/s, peak RSS ${fmt(libvirt.peakRssMiB)} MiB (${libvirt.formatted} accepted by the test driver)${cpuNote(libvirt)}`);
console.log(JSON.stringify({ tsvirt, libvirt }));
const theirs = (figure) => (libvirt.unavailable ? { libvirtUnavailable: libvirt.unavailable } : { libvirt: figure(libvirt) });
emitRow('conf', {
  tsvirt: tsvirt.cpu.docsPerSec, ...theirs((l) => l.cpu.docsPerSec), unit: 'documents/CPU s',
  note: `${docs.length} documents, ${ROUNDS} rounds${libvirt.unavailable ? '' : `; by wall ${(tsvirt.docsPerSec / libvirt.docsPerSec).toFixed(2)}×`}`,
});
emitRow('conf-memory', { tsvirt: tsvirt.peakRssMiB, ...theirs((l) => l.peakRssMiB), unit: 'MiB peak RSS' });
