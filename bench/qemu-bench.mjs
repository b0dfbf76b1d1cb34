// driver-qemu beside libvirt's QEMU driver, in one run on this machine (TCG, real QEMU):
//  - the floor: spawning qemu-system-x86_64 until its QMP greeting;
//  - `tsvirsh -c qemu:///embed?root=DIR` and `virsh -c qemu:///system` (Debian's libvirtd 9.0,
//    started by packages/driver-qemu/scripts/libvirtd-up.sh): start, destroy, attach-disk --live and
//    detach-disk --live of a SCSI disk on a loop device, and `list` while 20 domains run (for tsvirt
//    that is opening a connection: every process reconnects to each running domain).
// Each figure is the median wall time of a whole CLI invocation. Needs root (libvirtd, losetup).
// Env: BENCH_QEMU_RUNS (timed runs per operation, default 7), BENCH_QEMU_RUNNING (default 20).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { libvirtSide, median, qemuSides } from './qemu-sides.mjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUNS = Number(process.env.BENCH_QEMU_RUNS ?? 7);
const RUNNING = Number(process.env.BENCH_QEMU_RUNNING ?? 20);
const QEMU = '/usr/bin/qemu-system-x86_64';

const haveLibvirt = libvirtSide('qemu-bench', 'libvirtd, loop devices');

const tmp = mkdtempSync(join(tmpdir(), 'qemu-bench-'));
const EMBED = `qemu:///embed?root=${tmp}/root`;
const loopFile = join(tmp, 'disk.img');
writeFileSync(loopFile, Buffer.alloc(8 << 20));
const loop = execFileSync('losetup', ['-f', '--show', loopFile], { encoding: 'utf8' }).trim();

const { sides, run, quiet } = qemuSides(EMBED, haveLibvirt);
const PREFIX = 'qbench';

const domainXML = (name, mib = 64) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>${mib}</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><controller type='scsi' index='0' model='virtio-scsi'/>
<memballoon model='none'/></devices></domain>`;

/** Spawns QEMU and waits for the QMP greeting on its monitor socket: the floor of any start. */
async function qemuFloor() {
  const sock = join(tmp, 'floor.sock');
  const t0 = process.hrtime.bigint();
  const child = spawn(QEMU, ['-S', '-nodefaults', '-display', 'none', '-machine', 'pc', '-accel', 'tcg', '-m', '64',
    '-chardev', `socket,id=m,path=${sock},server=on,wait=off`, '-mon', 'chardev=m,mode=control'], { stdio: 'ignore' });
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
  for (const side of Object.keys(sides)) {
    for (let i = 0; i < RUNNING + 1; i++) {
      quiet(side, 'destroy', `${PREFIX}${i}`);
      quiet(side, 'undefine', `${PREFIX}${i}`);
    }
  }
  spawnSync('losetup', ['-d', loop]);
  rmSync(tmp, { recursive: true, force: true });
}

const results = {};
const record = (what, side, ms) => ((results[what] ??= {})[side] = ms);
try {
  const floors = [];
  for (let i = 0; i < RUNS; i++) floors.push(await qemuFloor());
  record('QEMU until its QMP greeting (floor)', 'floor', median(floors));
  const nodes = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    nodes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  record('`node -e 0` (the floor of any tsvirsh command)', 'floor', median(nodes));

  const file = join(tmp, `${PREFIX}0.xml`);
  writeFileSync(file, domainXML(`${PREFIX}0`));
  for (const side of Object.keys(sides)) {
    quiet(side, 'destroy', `${PREFIX}0`);
    quiet(side, 'undefine', `${PREFIX}0`);
    run(side, 'define', file);
    const t = { start: [], destroy: [], attach: [], detach: [] };
    for (let i = 0; i < RUNS; i++) {
      t.start.push(run(side, 'start', `${PREFIX}0`));
      t.attach.push(run(side, 'attach-disk', `${PREFIX}0`, loop, 'sdb', '--targetbus', 'scsi', '--live'));
      t.detach.push(run(side, 'detach-disk', `${PREFIX}0`, 'sdb', '--live'));
      t.destroy.push(run(side, 'destroy', `${PREFIX}0`));
    }
    record('start', side, median(t.start));
    record('destroy', side, median(t.destroy));
    record('attach-disk --live (SCSI, loop device)', side, median(t.attach));
    record('detach-disk --live (SCSI)', side, median(t.detach));

    for (let i = 1; i <= RUNNING; i++) {
      const f = join(tmp, `${PREFIX}${i}.xml`);
      writeFileSync(f, domainXML(`${PREFIX}${i}`, 32));
      run(side, 'create', f);
    }
    const lists = [];
    for (let i = 0; i < RUNS; i++) lists.push(run(side, 'list'));
    record(`list with ${RUNNING} domains running (opens a connection)`, side, median(lists));
    for (let i = 1; i <= RUNNING; i++) quiet(side, 'destroy', `${PREFIX}${i}`);
  }
} finally {
  cleanup();
}

const fmt = (x) => (x === undefined ? '—' : x.toFixed(0));
console.log(`\ndriver-qemu beside libvirt 9.0's QEMU driver (median of ${RUNS} runs, ms, whole CLI invocations)`);
console.log(`${'operation'.padEnd(52)} ${'tsvirsh'.padStart(8)} ${'virsh'.padStart(8)}   ratio`);
for (const [what, r] of Object.entries(results)) {
  if (r.floor !== undefined) {
    console.log(`${what.padEnd(52)} ${fmt(r.floor).padStart(8)}`);
    continue;
  }
  const ratio = r.tsvirt / r.libvirt;
  const words = r.libvirt === undefined ? '' : ratio <= 1 ? `${(1 / ratio).toFixed(2)}× as fast` : `${ratio.toFixed(2)}× slower`;
  console.log(`${what.padEnd(52)} ${fmt(r.tsvirt).padStart(8)} ${fmt(r.libvirt).padStart(8)}   ${words}`);
}
