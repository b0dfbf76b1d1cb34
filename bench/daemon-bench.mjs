// tsvirtd beside libvirtd 9.0, one run, real clients only:
//  1. Debian's virsh through tsvirtd vs through libvirtd on the same test:///default work: a
//     400-command script in one virsh process, and 30 separate `virsh list --all` invocations.
//  2. `virsh list --all` with 20 QEMU domains running (tsvirtd on an embed root, libvirtd on
//     qemu:///system), median of 20, the two sides' runs interleaved once the guests are idle.
//  3. tsvirsh through tsvirtd vs tsvirsh direct (TSVIRT_DAEMON=0) on the same root with 20 running:
//     list, attach-disk --live, detach-disk --live (medians).
//  4. A QEMU killed with SIGKILL → the lifecycle event at a python3-libvirt client, both daemons.
//  5. A guest that powers itself off (an NMI to a boot sector that then writes ACPI's S5) → the
//     Stopped Shutdown event at a python3-libvirt client, both daemons (median of 5).
// Needs root and the system libvirtd (packages/driver-qemu/scripts/libvirtd-up.sh starts it).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DAEMON = join(root, 'packages/daemon/dist/bundle/cli.js');
const TSVIRSH = join(root, 'tools/virsh/dist/bundle/cli.js');
const RUNNING = Number(process.env.BENCH_DOMAINS ?? 20);
if (process.getuid?.() !== 0 || !existsSync('/usr/bin/virsh')) {
  console.log('daemon-bench: needs root and virsh; skipped');
  process.exit(0);
}
let haveLibvirt = true;
try {
  execFileSync(join(root, 'packages/driver-qemu/scripts/libvirtd-up.sh'), { stdio: 'ignore' });
} catch {
  haveLibvirt = false;
  console.log('daemon-bench: libvirtd does not answer; tsvirtd figures only');
}

const tmp = mkdtempSync(join(tmpdir(), 'daemon-bench-'));
const TAG = `dbench${process.pid}`;
const sock = join(tmp, 'tsvirt-sock');
const daemon = spawn(process.execPath, [DAEMON, '--root', join(tmp, 'root'), '--socket-dir', tmp], { stdio: 'ignore' });
const cleanups = [];
process.on('exit', () => {
  for (const c of cleanups.reverse()) c();
  daemon.kill('SIGKILL');
  rmSync(tmp, { recursive: true, force: true });
});
async function listening(path) {
  for (let i = 0; i < 300; i++) {
    if (await new Promise((ok) => connect(path).once('connect', function () { this.destroy(); ok(true); }).once('error', () => ok(false)))) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('tsvirtd did not start');
}
await listening(sock);

const ms = (t0) => Number(process.hrtime.bigint() - t0) / 1e6;
// the machine is shared: each part says how loaded it was, since absolute times follow the load
const load = () => `(load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(cmd, args, env = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: tmp, maxBuffer: 1 << 26, env: { ...process.env, ...env } });
  const t = ms(t0);
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 3).join(' ')}: ${r.stderr.trim().slice(0, 300)}`);
  return t;
}
const ratio = (ours, theirs) => (theirs === undefined ? '' : `${(theirs / ours).toFixed(2)}x libvirtd's speed`);
const row = (label, ours, theirs) =>
  console.log(`  ${label.padEnd(44)} tsvirtd ${ours.toFixed(0).padStart(6)} ms   libvirtd ${theirs === undefined ? '     -' : theirs.toFixed(0).padStart(6)} ms   ${ratio(ours, theirs)}`);

// 1. The test driver.
const testXML = (i) => `<domain type='test'><name>${TAG}t${i}</name><memory unit='KiB'>1048576</memory><vcpu>1</vcpu><os><type>hvm</type></os></domain>`;
const script = [];
for (let i = 0; script.length < 400; i++) {
  writeFileSync(join(tmp, `t${i}.xml`), testXML(i));
  const n = `${TAG}t${i}`;
  script.push(`define t${i}.xml`, `dominfo ${n}`, `start ${n}`, `domstate ${n} --reason`, `list --all`, `suspend ${n}`, `resume ${n}`,
    `dumpxml ${n}`, `destroy ${n}`, `undefine ${n}`);
}
const text = script.join('\n');
const testURI = { tsvirtd: `test+unix:///default?socket=${sock}`, libvirtd: 'test+unix:///default' };
const sides = haveLibvirt ? ['tsvirtd', 'libvirtd'] : ['tsvirtd'];
const fig = {};
for (const s of sides) fig[s] = timed('virsh', ['-c', testURI[s], text]);
console.log(`virsh 9.0 on test:///default, one run each ${load()}`);
row('400-command script in one virsh', fig.tsvirtd, fig.libvirtd);
/** Median times of `cmd` on each side, the runs interleaved so that both sides meet the same load. */
function interleaved(uris, cmd, n) {
  const t = Object.fromEntries(sides.map((s) => [s, []]));
  for (let i = 0; i < n; i++) for (const s of sides) t[s].push(timed('virsh', ['-c', uris[s], cmd]));
  return Object.fromEntries(sides.map((s) => [s, median(t[s])]));
}
Object.assign(fig, interleaved(testURI, 'list --all', 30));
row('`virsh list --all` (median of 30, interleaved)', fig.tsvirtd, fig.libvirtd);

// 2. QEMU with RUNNING domains running on each side.
const qemuXML = (name) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><controller type='scsi' index='0' model='virtio-scsi'/><memballoon model='none'/></devices></domain>`;
const qemuURI = { tsvirtd: `qemu+unix:///system?socket=${sock}`, libvirtd: 'qemu:///system' };
const names = Array.from({ length: RUNNING }, (_, i) => `${TAG}q${i}`);
for (const n of names) writeFileSync(join(tmp, `${n}.xml`), qemuXML(n));
for (const s of sides) {
  const define = names.map((n) => `define ${n}.xml; start ${n}`).join('; ');
  // One virsh per step: a failing step (the domain killed in part 4) must not skip the others.
  cleanups.push(() => {
    for (const n of names) for (const step of ['destroy', 'undefine']) spawnSync('virsh', ['-c', qemuURI[s], step, n], { stdio: 'ignore', cwd: tmp });
  });
  timed('virsh', ['-c', qemuURI[s], define]);
}
console.log(`\nvirsh 9.0 with ${RUNNING} QEMU domains running (TCG) ${load()}`);
// the guests' firmware runs for a few seconds after their start: measure once it is idle
await new Promise((r) => setTimeout(r, 15_000));
Object.assign(fig, interleaved(qemuURI, 'list --all', 20));
row(`\`virsh list --all\` (median of 20, interleaved)`, fig.tsvirtd, fig.libvirtd);

// 3. tsvirsh through the daemon and directly, on the same root.
const EMBED = `qemu:///embed?root=${join(tmp, 'root')}`;
const disk = join(tmp, 'disk.img');
execFileSync('qemu-img', ['create', '-f', 'raw', disk, '8M'], { stdio: 'ignore' });
const tsvirsh = (env, cmd) => timed(process.execPath, [TSVIRSH, '-c', EMBED, cmd], env);
const via = { daemon: {}, direct: { TSVIRT_DAEMON: '0' } };
console.log(`\ntsvirsh with ${RUNNING} running, through tsvirtd vs direct (medians of 5) ${load()}`);
for (const [label, cmd] of [['list --all', () => 'list --all'],
  ['attach-disk --live', () => `attach-disk ${names[0]} ${disk} sda --live`], ['detach-disk --live', () => `detach-disk ${names[0]} sda --live`]]) {
  const t = {};
  for (const [k, env] of Object.entries(via)) {
    t[k] = [];
    for (let i = 0; i < 5; i++) {
      if (label.startsWith('detach')) tsvirsh(env, `attach-disk ${names[0]} ${disk} sda --live`);
      t[k].push(tsvirsh(env, cmd()));
      if (label.startsWith('attach')) tsvirsh(env, `detach-disk ${names[0]} sda --live`);
    }
  }
  console.log(`  ${label.padEnd(22)} through tsvirtd ${median(t.daemon).toFixed(0).padStart(6)} ms   direct ${median(t.direct).toFixed(0).padStart(6)} ms   ${(median(t.direct) / median(t.daemon)).toFixed(2)}x`);
}

// 4. A killed QEMU's event at a python client.
const py = join(root, 'packages/daemon/test/fixtures/py-kill-event.py');
const pidOf = (s, n) => s === 'tsvirtd'
  ? ((st) => st.data?.pid ?? st.pid)(JSON.parse(readFileSync(join(tmp, 'root/run/qemu', `${n}.json`), 'utf8')))
  : Number(readFileSync(`/run/libvirt/qemu/${n}.pid`, 'utf8'));
console.log(`\nQEMU killed with SIGKILL → Stopped event at a python3-libvirt client ${load()}`);
const ev = {};
for (const s of sides) {
  const n = names[names.length - 1];
  const r = spawnSync('/usr/bin/python3', [py, qemuURI[s], n, String(pidOf(s, n))], { encoding: 'utf8' });
  const m = /after ([\d.]+) ms/.exec(r.stdout);
  ev[s] = m ? Number(m[1]) : NaN;
}
console.log(`  event latency                                tsvirtd ${ev.tsvirtd.toFixed(1).padStart(6)} ms   libvirtd ${ev.libvirtd === undefined ? '     -' : ev.libvirtd.toFixed(1).padStart(6)} ms   (goal <= 50 ms)`);

// 5. A guest's own power-off, seen by QEMU (SHUTDOWN) and the daemon holding its monitor.
const offDisk = join(tmp, 'poweroff.img');
execFileSync('/usr/bin/python3', [join(root, 'packages/daemon/test/fixtures/poweroff-disk.py'), offDisk]);
const offName = `${TAG}off`;
writeFileSync(join(tmp, `${offName}.xml`), qemuXML(offName).replace('<devices>',
  `<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${offDisk}'/><target dev='hda' bus='ide'/></disk>`)
  .replace('</os>', '</os><features><acpi/></features>'));
console.log(`\nA guest powering itself off → Stopped Shutdown event at a python3-libvirt client (median of 5) ${load()}`);
const off = {};
for (const s of sides) {
  cleanups.push(() => spawnSync('virsh', ['-c', qemuURI[s], 'undefine', offName], { stdio: 'ignore', cwd: tmp }));
  timed('virsh', ['-c', qemuURI[s], `define ${offName}.xml`]);
  off[s] = median(Array.from({ length: 5 }, () => {
    timed('virsh', ['-c', qemuURI[s], `start ${offName}`]);
    const r = spawnSync('/usr/bin/python3', [py, qemuURI[s], offName, 'poweroff'], { encoding: 'utf8' });
    const m = /^event 5 0 after ([\d.]+) ms/m.exec(r.stdout);
    spawnSync('virsh', ['-c', qemuURI[s], 'destroy', offName], { stdio: 'ignore' });
    return m ? Number(m[1]) : NaN;
  }));
}
console.log(`  event latency                                tsvirtd ${off.tsvirtd.toFixed(1).padStart(6)} ms   libvirtd ${off.libvirtd === undefined ? '     -' : off.libvirtd.toFixed(1).padStart(6)} ms   (goal <= 50 ms)`);
// the daemon child keeps the event loop alive: leave through the exit handler, which cleans up
process.exit(0);
