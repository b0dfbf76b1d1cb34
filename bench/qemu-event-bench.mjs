// A QEMU killed with SIGKILL: how long until a listener hears STOPPED. tsvirt: an API client in
// the process that holds the driver (what tsvirtd is); libvirt: python3-libvirt on libvirtd 9.0
// (qemu:///system, started by packages/driver-qemu/scripts/libvirtd-up.sh), measured in the same run.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_QEMU_EVENT_RUNS ?? 7);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const domainXML = (name) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;

async function tsvirt() {
  const api = await import(pathToFileURL(join(root, 'packages/api/dist/bundle/index.js')).href);
  api.addDriverImporter(async (s) => (s === '@tsvirt/driver-qemu' ? import(pathToFileURL(join(root, 'packages/driver-qemu/dist/bundle/index.js')).href) : undefined));
  const dir = mkdtempSync(join(tmpdir(), 'qemu-event-bench-'));
  const conn = await api.connect(`qemu:///embed?root=${dir}`);
  const dom = await conn.defineXML(domainXML('evb'));
  let stopped;
  const off = await conn.domainEventRegisterAny(undefined, 0, (_d, e) => e.event === 5 && stopped?.());
  const times = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      await dom.create();
      const pid = JSON.parse(readFileSync(join(dir, 'run', 'qemu', 'evb.json'), 'utf8')).pid;
      const seen = new Promise((r) => (stopped = r));
      const t0 = process.hrtime.bigint();
      process.kill(pid, 'SIGKILL');
      await seen;
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    off();
    await conn.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return times;
}

const PY = `
import json, os, sys, time, libvirt
libvirt.virEventRegisterDefaultImpl()
c = libvirt.open('qemu:///system')
name, runs, xml = sys.argv[1], int(sys.argv[2]), sys.argv[3]
state = {}
def cb(conn, dom, event, detail, opaque):
    if dom.name() == name and event == libvirt.VIR_DOMAIN_EVENT_STOPPED: state['t'] = time.monotonic()
c.domainEventRegisterAny(None, libvirt.VIR_DOMAIN_EVENT_ID_LIFECYCLE, cb, None)
out = []
for i in range(runs):
    c.createXML(xml, 0)
    pid = int(open('/run/libvirt/qemu/%s.pid' % name).read())
    state.pop('t', None)
    t0 = time.monotonic()
    os.kill(pid, 9)
    while 't' not in state: libvirt.virEventRunDefaultImpl()
    out.append((state['t'] - t0) * 1000)
print(json.dumps(out))
`;

function libvirtd() {
  const up = spawnSync('bash', [join(root, 'packages/driver-qemu/scripts/libvirtd-up.sh')], { encoding: 'utf8' });
  if (up.status !== 0) return { skipped: `libvirtd not available: ${up.stderr.trim().split('\n').pop()}` };
  const name = `tsvirt-evb-${process.pid}`;
  const r = spawnSync('/usr/bin/python3', ['-c', PY, name, String(RUNS), domainXML(name)], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) return { skipped: `python3-libvirt failed: ${r.stderr.trim().split('\n').pop()}` };
  return { times: JSON.parse(r.stdout.trim().split('\n').pop()) };
}

const ours = await tsvirt();
const theirs = libvirtd();
const fmt = (xs) => `median ${median(xs).toFixed(1)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;
console.log(`SIGKILL → STOPPED, tsvirt in-process listener: ${fmt(ours)}`);
if (theirs.times) {
  console.log(`SIGKILL → STOPPED, python3-libvirt on libvirtd 9.0: ${fmt(theirs.times)}`);
  console.log(`ratio: tsvirt is ${(median(theirs.times) / median(ours)).toFixed(1)}× as fast`);
} else console.log(`libvirtd side: ${theirs.skipped}`);
