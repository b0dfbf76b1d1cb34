// Live migration with storage copy (--copy-storage-all) of a 256 MiB TCG guest with a 64 MiB
// qcow2 disk (all of it written), back and forth between two hosts on this machine. Each side has
// a dir pool over its images directory; before each migration the destination's image is removed,
// so every run makes it (Prepare's precreation), exports it over NBD and mirrors the whole disk.
// tsvirt: two embed roots, the API's migrate3 in process. libvirt 9.0: two private session
// libvirtd (bench/libvirtd-pair.mjs), python3-libvirt's migrate3 in process. One run, same machine.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fmtTimes, median, pythonTimes, withLibvirtdPair } from './libvirtd-pair.mjs';
import { withEmbedPair } from './embed-pair.mjs';

const RUNS = Number(process.env.BENCH_QEMU_MIGRATE_RUNS ?? 6);
const LIVE = 1;
const NON_SHARED_DISK = 64;
const UUID = '5a3c1d9e-7b42-4f0e-9c1a-2b6d8e4f7a10';
const domainXML = (disk) => `<domain type='qemu'><name>migs</name><uuid>${UUID}</uuid><memory unit='MiB'>256</memory><vcpu>1</vcpu>`
  + `<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>`
  + `<source file='${disk}'/><target dev='vda' bus='virtio'/></disk></devices></domain>`;

/** A 64 MiB qcow2 image, every byte written. */
function makeImage(path) {
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', path, '64M']);
  execFileSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x5a 0 64M', path], { stdio: 'ignore' });
}

function tsvirt() {
  return withEmbedPair('qemu-migrate-storage-bench', async (api, conns, dirs) => {
    const disks = dirs.map((d) => join(d, 'images', 'migs.qcow2'));
    const times = [];
    for (const [i, d] of dirs.entries()) {
      mkdirSync(join(d, 'images'));
      await conns[i].storagePoolCreateXML(`<pool type='dir'><name>images</name><target><path>${join(d, 'images')}</path></target></pool>`);
    }
    makeImage(disks[0]);
    let dom = await conns[0].createXML(domainXML(disks[0]));
    for (let i = 0; i < RUNS; i++) {
      const to = (i + 1) % 2;
      const params = [api.typedString('destination_xml', domainXML(disks[to]))];
      const t0 = process.hrtime.bigint();
      dom = await dom.migrate3(conns[to], params, LIVE | NON_SHARED_DISK);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      rmSync(disks[1 - to]);
      await (await conns[1 - to].storagePoolLookupByName('images')).refresh();
    }
    await dom.destroy();
    return times;
  });
}

const PY = `
import json, os, sys, time, libvirt
a, b, da, db, runs, uuid = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6]
conns = [libvirt.open(a), libvirt.open(b)]
dirs = [da, db]
disks = [os.path.join(d, 'migs.qcow2') for d in dirs]
def xml(disk):
    return ("<domain type='qemu'><name>migs</name><uuid>%s</uuid><memory unit='MiB'>256</memory><vcpu>1</vcpu>"
            "<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><disk type='file' device='disk'><driver name='qemu' type='qcow2'/>"
            "<source file='%s'/><target dev='vda' bus='virtio'/></disk></devices></domain>") % (uuid, disk)
pools = [c.storagePoolCreateXML("<pool type='dir'><name>images</name><target><path>%s</path></target></pool>" % d, 0) for c, d in zip(conns, dirs)]
dom = conns[0].createXML(xml(disks[0]), 0)
out = []
for i in range(runs):
    to = (i + 1) % 2
    t0 = time.monotonic()
    dom = dom.migrate3(conns[to], {libvirt.VIR_MIGRATE_PARAM_URI: 'tcp://127.0.0.1', libvirt.VIR_MIGRATE_PARAM_DEST_XML: xml(disks[to])},
                       libvirt.VIR_MIGRATE_LIVE | libvirt.VIR_MIGRATE_NON_SHARED_DISK)
    out.append((time.monotonic() - t0) * 1000)
    os.unlink(disks[1 - to])
    pools[1 - to].refresh(0)
dom.destroy()
print(json.dumps(out))
`;

function libvirt() {
  return withLibvirtdPair((pair) => {
    const dirs = pair.bases.map((b) => join(b, 'images'));
    for (const d of dirs) {
      mkdirSync(d);
      spawnSync('chown', ['nobody:nogroup', d]);
      chmodSync(d, 0o755);
    }
    makeImage(join(dirs[0], 'migs.qcow2'));
    spawnSync('chown', ['nobody:nogroup', join(dirs[0], 'migs.qcow2')]);
    return pythonTimes(pair, PY, [...pair.uris, ...dirs, String(RUNS), UUID], 900_000);
  });
}

const ours = await tsvirt();
const theirs = await libvirt();
console.log(`live migration with --copy-storage-all, 256 MiB TCG guest, 64 MiB qcow2 disk, two embed roots, tsvirt API (${RUNS} runs, alternating): ${fmtTimes(ours)}`);
if (theirs.times) {
  console.log(`the same between two session libvirtd 9.0, python3-libvirt: ${fmtTimes(theirs.times)}`);
  console.log(`ratio: tsvirt takes ${(median(ours) / median(theirs.times)).toFixed(2)}× libvirt's wall time`);
} else console.log(`libvirt side: ${theirs.skipped}`);
