// driver-qemu beside libvirt's QEMU driver, in one run on this machine (TCG, real QEMU):
//  - the floors: spawning qemu-system-x86_64 until its QMP greeting (its monitor socket made by
//    QEMU and polled for, or made by the caller and passed as an fd, as starts do), `node -e 0`, and
//    `./tsvirsh -c test:///default list` (Node plus tsvirsh's own start, no QEMU driver);
//  - `./tsvirsh -c qemu:///embed?root=DIR` (the program as a user runs it, no daemon) and
//    `virsh -c qemu:///system` (Debian's libvirtd 9.0, started by
//    packages/driver-qemu/scripts/libvirtd-up.sh): start, destroy, attach-disk --live and
//    detach-disk --live of a SCSI disk on a loop device, and `list` while 20 domains run (for
//    tsvirt that is opening the root: every process checks each running domain).
// The two sides alternate run by run, so both see the same load on a shared machine. Each figure
// is the median wall time of a whole CLI invocation; the ratio is tsvirsh's time over virsh's,
// beside issue 15's goal. Beside it, the median CPU of the CLI process and the children it
// waited for (tsvirsh's lock keeper; not QEMU, not libvirtd's share of virsh's command). The load
// average is printed before and after. Needs root (libvirtd,
// losetup). Env: BENCH_QEMU_RUNS (timed runs per operation, default 7), BENCH_QEMU_RUNNING (20).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TSVIRSH, libvirtSide, median, qemuSides } from './qemu-sides.mjs';
import { emitRow, rowDef } from './rows.mjs';
import { PassedFds } from '../packages/driver-qemu/dist/process/passed-fds.js';

const RUNS = Number(process.env.BENCH_QEMU_RUNS ?? 7);
const RUNNING = Number(process.env.BENCH_QEMU_RUNNING ?? 20);
const QEMU = '/usr/bin/qemu-system-x86_64';

const haveLibvirt = libvirtSide('qemu-bench', 'libvirtd, loop devices');

const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loadBefore = loadAverage();
const tmp = mkdtempSync(join(tmpdir(), 'qemu-bench-'));
const EMBED = `qemu:///embed?root=${tmp}/root`;
const loopFile = join(tmp, 'disk.img');
writeFileSync(loopFile, Buffer.alloc(8 << 20));
const loop = execFileSync('losetup', ['-f', '--show', loopFile], { encoding: 'utf8' }).trim();

const { sides, run, quiet, measure } = qemuSides(EMBED, haveLibvirt, { asUsersRunIt: true });
const SIDES = Object.keys(sides);
// libvirtd's domains are system-wide: a name of this run only.
const PREFIX = `qbench${process.pid}d`;

/** The wall time of one run of a floor's command. */
function timed(cmd, argv, env = process.env) {
  const t0 = process.hrtime.bigint();
  spawnSync(cmd, argv, { env });
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

const { NODE_EXTRA_CA_CERTS: _, ...withoutCABundle } = process.env;

const domainXML = (name, mib = 64) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>${mib}</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><controller type='scsi' index='0' model='virtio-scsi'/>
<memballoon model='none'/></devices></domain>`;

/**
 * Spawns QEMU and waits for the QMP greeting on its monitor socket: the floor of any start. With
 * `passed`, the socket is made here and passed as fd 3, as the driver (and libvirt) start QEMU,
 * and connected to at once; else QEMU makes it and it is polled for.
 */
async function qemuFloor(passed = false) {
  const sock = join(tmp, 'floor.sock');
  const t0 = process.hrtime.bigint();
  const argv = ['-S', '-nodefaults', '-display', 'none', '-machine', 'pc', '-accel', 'tcg', '-m', '64', '-mon', 'chardev=m,mode=control'];
  let child;
  if (passed) {
    const fds = new PassedFds(3);
    const fd = fds.listen(sock);
    child = await fds.spawnWith((more) => spawn(QEMU, [...argv, '-chardev', `socket,id=m,fd=${fd},server=on,wait=off`], { stdio: ['ignore', 'ignore', 'ignore', ...more] }));
  } else {
    child = spawn(QEMU, [...argv, '-chardev', `socket,id=m,path=${sock},server=on,wait=off`], { stdio: 'ignore' });
  }
  for (;;) {
    const greeted = await new Promise((resolve) => {
      const c = connect(sock);
      c.once('data', () => { c.destroy(); resolve(true); });
      c.once('error', () => resolve(false));
    });
    if (greeted) break;
    await new Promise((r) => setTimeout(r, 1));
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  return ms;
}

function cleanup() {
  for (const side of SIDES) {
    for (let i = 0; i < RUNNING + 1; i++) {
      quiet(side, 'destroy', `${PREFIX}${i}`);
      quiet(side, 'undefine', `${PREFIX}${i}`);
    }
  }
  spawnSync('losetup', ['-d', loop]);
  rmSync(tmp, { recursive: true, force: true });
}

/** Figures by operation: `floor`, or one per side (wall and CPU); `goal` is issue 15's, as a ratio of libvirt's time. */
const results = [];
const row = (what, goal) => {
  const r = { what, goal, ms: {}, cpu: {} };
  results.push(r);
  return r;
};
try {
  const floors = [];
  const passedFloors = [];
  const nodes = [];
  const plain = [];
  for (let i = 0; i < RUNS; i++) {
    floors.push(await qemuFloor());
    passedFloors.push(await qemuFloor(true));
    // As ./tsvirsh starts it: without the CA bundle Node would parse at start (see ./tsvirsh).
    nodes.push(timed(process.execPath, ['-e', '0'], withoutCABundle));
    plain.push(timed(TSVIRSH, ['-c', 'test:///default', 'list']));
  }
  row('QEMU until its QMP greeting (floor of a start)').ms.floor = median(floors);
  row('… its monitor socket passed as an fd (as starts do)').ms.floor = median(passedFloors);
  row('`node -e 0` (floor of any tsvirsh command)').ms.floor = median(nodes);
  row('`tsvirsh -c test:///default list` (no QEMU driver)').ms.floor = median(plain);

  const file = join(tmp, `${PREFIX}0.xml`);
  writeFileSync(file, domainXML(`${PREFIX}0`));
  const t = { start: {}, destroy: {}, attach: {}, detach: {}, list: {} };
  for (const side of SIDES) {
    run(side, 'define', file);
    for (const k of Object.keys(t)) t[k][side] = [];
  }
  for (let i = 0; i < RUNS; i++) {
    for (const side of SIDES) {
      t.start[side].push(measure(side, 'start', `${PREFIX}0`));
      t.attach[side].push(measure(side, 'attach-disk', `${PREFIX}0`, loop, 'sdb', '--targetbus', 'scsi', '--live'));
      t.detach[side].push(measure(side, 'detach-disk', `${PREFIX}0`, 'sdb', '--live'));
      t.destroy[side].push(measure(side, 'destroy', `${PREFIX}0`));
    }
  }
  for (const side of SIDES) {
    for (let i = 1; i <= RUNNING; i++) {
      const f = join(tmp, `${PREFIX}${i}.xml`);
      writeFileSync(f, domainXML(`${PREFIX}${i}`, 32));
      run(side, 'create', f);
    }
  }
  for (let i = 0; i < RUNS; i++) for (const side of SIDES) t.list[side].push(measure(side, 'list'));
  const rows = [
    ['start', 'start', 'qemu-start'],
    ['destroy', 'destroy', 'qemu-destroy'],
    ['attach-disk --live (SCSI, loop device)', 'attach', 'qemu-attach'],
    ['detach-disk --live (SCSI)', 'detach', 'qemu-detach'],
    [`list with ${RUNNING} domains running`, 'list', 'qemu-list'],
  ];
  for (const [what, key, id] of rows) {
    const r = row(what, rowDef(id).goal.value);
    for (const side of SIDES) {
      r.ms[side] = median(t[key][side].map((m) => m.ms));
      r.cpu[side] = median(t[key][side].map((m) => m.cpuMs));
    }
    const theirs = haveLibvirt ? { libvirt: r.ms.libvirt } : { libvirtUnavailable: 'libvirtd does not answer on qemu:///system' };
    emitRow(id, {
      tsvirt: r.ms.tsvirt, ...theirs, unit: 'ms',
      note: `wall medians of ${RUNS}${key === 'list' ? `, ${RUNNING} running` : ''}; CPU tsvirsh ${r.cpu.tsvirt.toFixed(0)} ms` +
        `${haveLibvirt ? `, virsh ${r.cpu.libvirt.toFixed(0)} ms (without libvirtd's share)` : ''}`,
    });
  }
} finally {
  cleanup();
}

const fmt = (x) => (x === undefined ? '—' : x.toFixed(0));
console.log(`\ndriver-qemu beside libvirt 9.0's QEMU driver (median of ${RUNS} runs, ms, whole CLI invocations, sides alternating)`);
console.log(`load average before: ${loadBefore}; after: ${loadAverage()}`);
console.log(`${'operation'.padEnd(52)} ${'tsvirsh'.padStart(8)} ${'virsh'.padStart(8)}   tsvirsh/virsh   goal    CPU tsvirsh / virsh`);
for (const r of results) {
  if (r.ms.floor !== undefined) {
    console.log(`${r.what.padEnd(52)} ${fmt(r.ms.floor).padStart(8)}`);
    continue;
  }
  const ratio = r.ms.libvirt === undefined ? '' : `${(r.ms.tsvirt / r.ms.libvirt).toFixed(2)}×`;
  console.log(`${r.what.padEnd(52)} ${fmt(r.ms.tsvirt).padStart(8)} ${fmt(r.ms.libvirt).padStart(8)}   ${ratio.padStart(13)}   ≤ ${r.goal}×   ${fmt(r.cpu.tsvirt).padStart(6)} / ${fmt(r.cpu.libvirt)}`);
}
