// driver-qemu's storage-heavy jobs beside libvirt's QEMU driver, in one run on this machine (TCG):
//  - blockcopy of a 256 MiB image full of data (`blockcopy DOM vda --dest F --wait --finish`);
//  - save and restore of a running 256 MiB guest (`save DOM F`, `restore F`);
//  - each side's floor: `uri`, a whole CLI invocation that does no work (Node's start and the
//    program's load against virsh's start), so that what a job costs beyond it can be told apart.
// `./tsvirsh` (the program as a user runs it, with its code caches) on qemu:///embed?root=DIR
// against virsh on qemu:///system (Debian's libvirtd 9.0, started
// by packages/driver-qemu/scripts/libvirtd-up.sh); each side has its own copy of the image. Each
// figure is the median wall time of a whole CLI invocation (each blockcopy run is printed too); the
// sides take turns within each run, and the load average is printed with them, as other engineers
// share the machine. Small domains run beside the one copied (BENCH_STORAGE_BESIDE, default 1):
// a listener for one domain's events (blockcopy --wait) should cost that domain alone. Needs root.
// Env: BENCH_STORAGE_RUNS (default 5), BENCH_STORAGE_BESIDE (default 1).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { libvirtSide, median, qemuSides } from './qemu-sides.mjs';

const RUNS = Number(process.env.BENCH_STORAGE_RUNS ?? 5);
const BESIDE = Number(process.env.BENCH_STORAGE_BESIDE ?? 1);
const haveLibvirt = libvirtSide('qemu-storage-bench', 'libvirtd');
const tmp = mkdtempSync(join(tmpdir(), 'qemu-storage-bench-'));
const { sides, run, quiet } = qemuSides(`qemu:///embed?root=${tmp}/root`, haveLibvirt, { asUsersRunIt: true });
const NAME = `qsbench-${process.pid}`;

const domainXML = (disk) => `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>256</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${disk}'/><target dev='vda' bus='virtio'/></disk>
<memballoon model='none'/></devices></domain>`;
const besideNames = Array.from({ length: BESIDE }, (_, k) => `${NAME}-b${k}`);
const besideXML = (name) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><memballoon model='none'/></devices></domain>`;

const results = {};
const loads = [];
const record = (what, side, ms) => ((results[what] ??= {})[side] = ms);
const FLOOR = 'uri (the floor: start, load, no work)';
const COPY = `blockcopy --wait --finish, 256 MiB (${BESIDE} beside)`;
const copies = {};
try {
  const dirs = {};
  for (const side of Object.keys(sides)) {
    const dir = (dirs[side] = join(tmp, side));
    mkdirSync(dir);
    const image = join(dir, 'src.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', image, '256M']);
    execFileSync('qemu-io', ['-c', 'write -P 0xab 0 256M', image], { stdio: 'ignore' });
    writeFileSync(join(dir, 'dom.xml'), domainXML(image));
    quiet(side, 'destroy', NAME);
    run(side, 'create', join(dir, 'dom.xml'));
    for (const name of besideNames) {
      writeFileSync(join(dir, `${name}.xml`), besideXML(name));
      quiet(side, 'destroy', name);
      run(side, 'create', join(dir, `${name}.xml`));
    }
  }
  const t = {};
  // The sides take turns within each run, so a change in the machine's load falls on both.
  for (let i = 0; i < RUNS; i++) {
    for (const side of Object.keys(sides)) {
      const dir = dirs[side];
      const mine = (t[side] ??= { floor: [], copy: [], save: [], restore: [] });
      loads.push(loadavg()[0]);
      mine.floor.push(run(side, 'uri'));
      mine.copy.push(run(side, 'blockcopy', NAME, 'vda', '--dest', join(dir, `copy-${i}.qcow2`), '--wait', '--finish'));
      rmSync(join(dir, `copy-${i}.qcow2`), { force: true });
      const file = join(dir, `save-${i}`);
      mine.save.push(run(side, 'save', NAME, file));
      mine.restore.push(run(side, 'restore', file));
      rmSync(file, { force: true });
    }
  }
  for (const [side, mine] of Object.entries(t)) {
    record(FLOOR, side, median(mine.floor));
    record(COPY, side, median(mine.copy));
    copies[side] = mine.copy;
    record('save of a running 256 MiB guest', side, median(mine.save));
    record('restore of it', side, median(mine.restore));
  }
} finally {
  for (const side of Object.keys(sides)) for (const name of [NAME, ...besideNames]) quiet(side, 'destroy', name);
  rmSync(tmp, { recursive: true, force: true });
}

const fmt = (x) => (x === undefined ? '—' : x.toFixed(0));
const floor = results[FLOOR] ?? {};
console.log(`\ndriver-qemu storage jobs beside libvirt 9.0's QEMU driver (median of ${RUNS} runs, ms, whole CLI invocations)`);
console.log(`load average (1 min) during the runs: ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)}`);
console.log(`${'operation'.padEnd(46)} ${'tsvirsh'.padStart(8)} ${'virsh'.padStart(8)}   ratio (beyond each side's floor)`);
for (const [what, r] of Object.entries(results)) {
  const beyond = what === FLOOR || r.libvirt === undefined ? '' : ` (${((r.tsvirt - floor.tsvirt) / (r.libvirt - floor.libvirt)).toFixed(2)}×)`;
  const words = r.libvirt === undefined ? '' : `${(r.tsvirt / r.libvirt).toFixed(2)}× libvirt's time${beyond}`;
  console.log(`${what.padEnd(46)} ${fmt(r.tsvirt).padStart(8)} ${fmt(r.libvirt).padStart(8)}   ${words}`);
}
// libvirt's copy ends at one of virsh's 500 ms looks, so its runs fall into steps: each run shown.
for (const [side, mine] of Object.entries(copies)) console.log(`blockcopy runs, ${side}: ${mine.map(fmt).join(' ')}`);
