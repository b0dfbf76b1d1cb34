// Volume upload and download of a 1 GiB raw volume whose every other 8 MiB is a hole (512 MiB of
// data), the median of BENCH_STORAGE_ROUNDS (3) interleaved rounds, on this machine:
//  - the floors: `cp --sparse=always` (a sparse copy) and `dd bs=1M` (a plain copy);
//  - `tsvirsh -c qemu:///embed?root=DIR vol-upload/vol-download` (the local storage driver);
//  - `virsh -c qemu:///system vol-upload/vol-download` (Debian's libvirtd 9.0 through its RPC
//    streams, started by packages/driver-qemu/scripts/libvirtd-up.sh, a transient dir pool).
// Both with and without --sparse (tsvirt copies a whole file with the kernel's copy_file_range
// through `qemu-img convert -C`; a plain copy's holes are then allocated with fallocate instead of
// written as zeros). Figures: wall seconds of the whole CLI invocation and the
// volume's logical size over them (MiB/s); ratios are tsvirt's throughput over libvirt's and over
// the floor's. CPU seconds (user + system, from /usr/bin/time; libvirt's include its daemon's, from
// /proc) are quoted beside them: on a machine shared with other jobs they vary far less than wall
// time. Page cache warm (the same file read each time), no dirty pages at the start of each copy
// (`sync` before it). Needs root for libvirtd.
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'tools/virsh/dist/bundle/cli.js');
const GiB = 1024 ** 3;
const RUN = 8 * 1024 ** 2;
/** Rounds of every measurement, interleaved so that a busy spell of a shared machine hits all alike; medians are quoted. */
const ROUNDS = Number(process.env.BENCH_STORAGE_ROUNDS ?? 3);

const tmp = mkdtempSync(join(process.env.BENCH_STORAGE_DIR ?? '/var/tmp', 'storage-bench-'));
const src = join(tmp, 'src.img');
const embed = `qemu:///embed?root=${join(tmp, 'root')}`;
const tsvPool = join(tmp, 'tsv-pool');
const lvPool = join(tmp, 'lv-pool');
const lvName = `tsvirt-bench-${process.pid}`;

let haveLibvirt = process.getuid?.() === 0;
if (haveLibvirt) {
  try {
    execFileSync(join(root, 'packages/driver-qemu/scripts/libvirtd-up.sh'), { stdio: 'inherit' });
  } catch {
    haveLibvirt = false;
  }
}
if (!haveLibvirt) console.log('storage-stream-bench: no libvirtd on qemu:///system (needs root); measuring tsvirt and the floors alone');

/** The source: 1 GiB, data and holes in turn, 8 MiB each. */
function makeSource() {
  const fd = openSync(src, 'w');
  ftruncateSync(fd, GiB);
  const data = randomBytes(RUN);
  for (let at = 0; at < GiB; at += 2 * RUN) writeSync(fd, data, 0, RUN, at);
  closeSync(fd);
}

/** CPU seconds (user + system) libvirtd has used so far, from /proc; 0 when it is not known. */
function daemonCPU() {
  try {
    const pid = readFileSync('/run/libvirtd.pid', 'utf8').trim();
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** Wall and CPU seconds of one command (CPU: its own, and the daemon's for virsh); it must succeed. */
function timed(file, args) {
  const times = join(tmp, 'times');
  const d0 = file === 'virsh' ? daemonCPU() : 0;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', '-o', times, file, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  const [user, sys] = readFileSync(times, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
  return { secs, cpu: user + sys + (file === 'virsh' ? daemonCPU() - d0 : 0) };
}
const tsvirsh = (cmd) => ['node', [CLI, '-c', embed, cmd]];
const virsh = (cmd) => ['virsh', ['-q', '-c', 'qemu:///system', cmd]];
const same = (a, b) => readFileSync(a).equals(readFileSync(b));
const allocatedMiB = (p) => (statSync(p).blocks * 512) / 1024 ** 2;

/** Load averages (1 minute) at the start and the end: the machine is shared, and wall times follow its load. */
const loadAtStart = loadavg()[0];
makeSource();
mkdirSync(tsvPool);
mkdirSync(lvPool);
const out = join(tmp, 'out.img');
/** Each label's measurements, one a round, in the order first measured. */
const runs = new Map();
function measure(label, cmd, check) {
  rmSync(out, { force: true });
  // Each copy starts with no dirty pages of the one before: else it pays for their writeback.
  execFileSync('sync');
  const { secs, cpu } = timed(...cmd);
  if (check) check();
  if (!runs.has(label)) runs.set(label, []);
  runs.get(label).push({ secs, cpu });
  return runs.get(label).at(-1);
}

/** One round: the floors, then each side's upload and download, sparse and plain, in turn. */
function round() {
  measure('floor: cp --sparse=always', ['cp', ['--sparse=always', src, out]], () => same(src, out));
  measure('floor: dd bs=1M', ['dd', [`if=${src}`, `of=${out}`, 'bs=1M', 'status=none']]);
  for (const sparse of [true, false]) {
    const flag = sparse ? ' --sparse' : '';
    for (const [side, run, pool, dir] of [['tsvirt', tsvirsh, 'bench', tsvPool], ['libvirt', virsh, lvName, lvPool]]) {
      if (side === 'libvirt' && !haveLibvirt) continue;
      const vol = `v${sparse ? 's' : 'p'}.img`;
      execFileSync(...run(`vol-create-as ${pool} ${vol} 0`), { stdio: 'ignore' });
      measure(`${side}: vol-upload${flag}`, run(`vol-upload ${vol} ${src} --pool ${pool}${flag}`), () => {
        if (!same(src, join(dir, vol))) throw new Error(`${side} upload differs`);
      });
      measure(`${side}: vol-download${flag}`, run(`vol-download ${vol} ${out} --pool ${pool}${flag}`), () => {
        if (!same(src, out)) throw new Error(`${side} download differs`);
      }).allocated = allocatedMiB(out);
      execFileSync(...run(`vol-delete ${vol} --pool ${pool}`), { stdio: 'ignore' });
    }
  }
}

try {
  spawnSync('node', [CLI, '-c', embed, `pool-create-as bench dir --target ${tsvPool}`], { stdio: 'ignore' });
  if (haveLibvirt) execFileSync('virsh', ['-q', '-c', 'qemu:///system', `pool-create-as ${lvName} dir --target ${lvPool}`], { stdio: 'ignore' });
  for (let i = 0; i < ROUNDS; i++) round();
} finally {
  if (haveLibvirt) spawnSync('virsh', ['-q', '-c', 'qemu:///system', `pool-destroy ${lvName}`], { stdio: 'ignore' });
  spawnSync('node', [CLI, '-c', embed, 'pool-destroy bench'], { stdio: 'ignore' });
  rmSync(tmp, { recursive: true, force: true });
}

const mibs = (secs) => GiB / 1024 ** 2 / secs;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows = [...runs].map(([label, ms]) => ({
  label, secs: median(ms.map((m) => m.secs)), cpu: median(ms.map((m) => m.cpu)), allocated: ms[0].allocated,
}));
const by = Object.fromEntries(rows.map((r) => [r.label, r]));
console.log(`1 GiB raw volume, 512 MiB of it data (8 MiB runs), median of ${ROUNDS} interleaved rounds, page cache warm; load average ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end\n`);
console.log(`${'what'.padEnd(34)} ${'seconds'.padStart(8)} ${'MiB/s'.padStart(8)} ${'CPU s'.padStart(6)}  ratios (wall; CPU)`);
for (const r of rows) {
  const ratios = [];
  if (r.label.startsWith('tsvirt')) {
    const twin = by[r.label.replace('tsvirt', 'libvirt')];
    if (twin) ratios.push(`${(twin.secs / r.secs).toFixed(2)}x libvirt's throughput (CPU ${(twin.cpu / r.cpu).toFixed(2)}x)`);
    const floor = r.label.includes('--sparse') ? by['floor: cp --sparse=always'] : by['floor: dd bs=1M'];
    ratios.push(`${(r.secs / floor.secs).toFixed(2)}x the ${floor.label.slice(7)} time (CPU ${(r.cpu / floor.cpu).toFixed(2)}x)`);
  }
  if (r.allocated !== undefined) ratios.push(`file written: ${r.allocated.toFixed(0)} MiB allocated`);
  console.log(`${r.label.padEnd(34)} ${r.secs.toFixed(3).padStart(8)} ${mibs(r.secs).toFixed(0).padStart(8)} ${r.cpu.toFixed(2).padStart(6)}  ${ratios.join(', ')}`);
}
