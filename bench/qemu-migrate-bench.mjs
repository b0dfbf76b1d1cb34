// Live migration of a 256 MiB TCG guest between two hosts on this machine, back and forth.
// tsvirt: two embed roots (qemu:///embed?root=A → B), each with its own host UUID, migrated with
// the API's migrate3 (client-driven v3 phases), in process. libvirt 9.0: two private libvirtd
// instances in session mode (run as `nobody`, each with its own XDG directories and a
// libvirtd.conf naming its own host_uuid), migrated with python3-libvirt's migrate3 in process.
// The system libvirtd is never touched. Same guest, same runs, same machine, one run.
import { fmtTimes, median, pythonTimes, withLibvirtdPair } from './libvirtd-pair.mjs';
import { withEmbedPair } from './embed-pair.mjs';

const RUNS = Number(process.env.BENCH_QEMU_MIGRATE_RUNS ?? 6);
const LIVE = 1;
const domainXML = (name) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;

function tsvirt() {
  return withEmbedPair('qemu-migrate-bench', async (api, conns) => {
    const times = [];
    let dom = await conns[0].createXML(domainXML('migb'));
    for (let i = 0; i < RUNS; i++) {
      const t0 = process.hrtime.bigint();
      dom = await dom.migrate3(conns[(i + 1) % 2], [], LIVE);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    await dom.destroy();
    return times;
  });
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

function libvirt() {
  return withLibvirtdPair((pair) => {
    return pythonTimes(pair, PY, [...pair.uris, String(RUNS), domainXML('migb')], 600_000);
  });
}

const ours = await tsvirt();
const theirs = await libvirt();
console.log(`live migration, 256 MiB TCG guest, two embed roots, tsvirt API (${RUNS} runs, alternating): ${fmtTimes(ours)}`);
if (theirs.times) {
  console.log(`live migration, 256 MiB TCG guest, two session libvirtd 9.0, python3-libvirt: ${fmtTimes(theirs.times)}`);
  const ratio = median(ours) / median(theirs.times);
  console.log(`ratio: tsvirt takes ${ratio.toFixed(2)}× libvirt's wall time (goal ≤ 1×)`);
} else console.log(`libvirt side: ${theirs.skipped}`);
