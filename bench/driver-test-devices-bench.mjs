// Domains with many devices on the test driver, tsvirt (@tsvirt/api in-process) beside libvirt 9.0
// (python3-libvirt on its test driver) in the same run: define + getXMLDesc + undefine of one
// domain with (a) 1,024 interfaces the driver names (testnet0..1023, libvirt's limit), (b) 32,000
// interfaces with their own names, (c) 8,000 disks (libvirt checks disk targets pairwise). Interface naming was quadratic (32,000
// interfaces took 41 s); each figure is the best of BENCH_RUNS (default 3).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const PYTHON = '/usr/bin/python3';

const mac = (i) => `52:54:${[i >> 24, (i >> 16) & 255, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
/** libvirt's virIndexToDiskName: vda ... vdz, vdaa ... */
function diskName(i) {
  let name = '';
  for (let n = i; n >= 0; n = Math.floor(n / 26) - 1) name = String.fromCharCode(97 + (n % 26)) + name;
  return `vd${name}`;
}
const CASES = {
  'unnamed interfaces x1024': (i) => `<interface type='user'><mac address='${mac(i)}'/></interface>`,
  'named interfaces x32000': (i) => `<interface type='user'><mac address='${mac(i)}'/><target dev='tap${i}'/></interface>`,
  'disks x8000': (i) => `<disk type='file' device='disk'><source file='/d/${i}.img'/><target dev='${diskName(i)}' bus='virtio'/></disk>`,
};
const COUNT = { 'unnamed interfaces x1024': 1024, 'named interfaces x32000': 32000, 'disks x8000': 8000 };
const domainXML = (name, kind) =>
  `<domain type='test'><name>${name}</name><memory>8192</memory><os><type>hvm</type></os><devices>${
    Array.from({ length: COUNT[kind] }, (_, i) => CASES[kind](i)).join('')}</devices></domain>`;

async function tsvirtSeconds(kind) {
  const api = await import(pathToFileURL(join(root, 'packages/api/dist/bundle/index.js')).href);
  api.addDriverImporter(async () => import(pathToFileURL(join(root, 'packages/driver-test/dist/bundle/index.js')).href));
  const conn = await api.connect('test:///default');
  let best = Infinity;
  for (let r = 0; r < RUNS; r++) {
    const xml = domainXML(`bench${r}`, kind);
    const t0 = process.hrtime.bigint();
    const dom = await conn.defineXML(xml);
    await dom.getXMLDesc();
    await dom.undefine();
    best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return best;
}

function libvirtSeconds(kind) {
  if (!existsSync(PYTHON)) return undefined;
  const script = `
import libvirt, sys, time
libvirt.registerErrorHandler(lambda a, b: None, None)
c = libvirt.open('test:///default')
xml = sys.stdin.read()
best = 1e9
for r in range(${RUNS}):
    t = time.perf_counter()
    d = c.defineXML(xml.replace('BENCHNAME', 'bench%d' % r))
    d.XMLDesc(0)
    d.undefine()
    best = min(best, time.perf_counter() - t)
print(best)`;
  const r = spawnSync(PYTHON, ['-c', script], { input: domainXML('BENCHNAME', kind), encoding: 'utf8', maxBuffer: 1 << 28 });
  return r.status === 0 ? Number(r.stdout.trim()) : undefined;
}

console.log('domain with many devices: define + getXMLDesc + undefine, best of', RUNS);
for (const kind of Object.keys(CASES)) {
  const t = await tsvirtSeconds(kind);
  const l = libvirtSeconds(kind);
  const ratio = l === undefined ? 'libvirt n/a' : `${(l / t).toFixed(2)}x libvirt's speed`;
  console.log(`${kind.padEnd(26)} tsvirt ${t.toFixed(3)} s   libvirt ${l === undefined ? 'n/a' : `${l.toFixed(3)} s`}   ${ratio}`);
}
