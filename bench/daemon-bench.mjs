// tsvirtd beside libvirtd 9.0, one run, real clients only:
//  1. Debian's virsh through tsvirtd vs through libvirtd on the same test:///default work: a
//     400-command script in one virsh process (median of 5), and 30 separate `virsh list --all` invocations.
//  2. `virsh list --all` with 20 QEMU domains running (tsvirtd on an embed root, libvirtd on
//     qemu:///system), median of 20, the two sides' runs interleaved once the guests are idle.
//  3. tsvirsh through tsvirtd vs tsvirsh direct (TSVIRT_DAEMON=0) on the same root with 20 running:
//     list, attach-disk --live, detach-disk --live (medians), with virsh through libvirtd's figure.
//  4. A QEMU killed with SIGKILL → the lifecycle event at a python3-libvirt client, both daemons.
//  5. A guest that powers itself off (an NMI to a boot sector that then writes ACPI's S5) → the
//     SHUTDOWN event (from QEMU's SHUTDOWN) and the STOPPED event after it at a python3-libvirt
//     client, both daemons (median of 5).
// Needs root and the system libvirtd (packages/driver-qemu/scripts/libvirtd-up.sh starts it).
// BENCH_PARTS=1,2 runs only those parts (the QEMU domains are made when a part from 2 on needs them).
// BENCH_RUNS=5 repeats parts 1 and 2 that many times in one process (the domains made once) and
// ends with each row's ratios over the runs.
// Each `virsh` row also gives each daemon's CPU time per command (all its threads, from
// /proc/PID/task/*/schedstat), which the machine's load inflates far less than wall time.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitRow, skipRows } from './rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DAEMON = join(root, 'packages/daemon/dist/bundle/cli.js');
const TSVIRSH = join(root, 'tools/virsh/dist/bundle/cli.js');
const RUNNING = Number(process.env.BENCH_DOMAINS ?? 20);
const PARTS = new Set((process.env.BENCH_PARTS ?? '1,2,3,4,5').split(',').map(Number));
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 1));
if (process.getuid?.() !== 0 || !existsSync('/usr/bin/virsh')) {
  console.log('daemon-bench: needs root and virsh; skipped');
  skipRows('needs root and virsh');
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
/** A process's CPU time in ms, all its threads (a thread that ends meanwhile is left out); NaN when it cannot be read. */
function cpuMs(pid) {
  const of = (t) => {
    try {
      return Number(readFileSync(`/proc/${pid}/task/${t}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      return 0;
    }
  };
  try {
    return readdirSync(`/proc/${pid}/task`).reduce((sum, t) => sum + of(t), 0) / 1e6;
  } catch {
    return NaN;
  }
}
const daemonPids = { tsvirtd: daemon.pid, libvirtd: haveLibvirt ? Number(readFileSync('/run/libvirtd.pid', 'utf8').trim()) : undefined };
const cpuRow = (cpu) => console.log(`  ${'... daemon CPU per command'.padEnd(44)} tsvirtd ${cpu.tsvirtd.toFixed(2).padStart(6)} ms   libvirtd ${cpu.libvirtd === undefined ? '     -' : cpu.libvirtd.toFixed(2).padStart(6)} ms`);

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
/**
 * Median times of `cmd` on each side and each daemon's mean CPU time per run (printed). The sides
 * take turns, the first of each pair alternating, so that both meet the same load and neither is
 * always the one that runs just after the other. Untimed runs of each go first, as many as
 * WARM_LISTINGS listings the first time a driver is measured, then a quarter as many as are timed:
 * the bench starts tsvirtd, whose hot paths V8 optimises only after some tens of calls, while
 * libvirtd has long been running; both sides are measured warm, as daemons serve.
 */
const WARM_LISTINGS = 40;
const warmed = new Set();
function interleaved(uris, cmd, n) {
  const t = Object.fromEntries(sides.map((s) => [s, []]));
  const cpu = Object.fromEntries(sides.map((s) => [s, 0]));
  if (!warmed.has(uris.tsvirtd)) {
    warmed.add(uris.tsvirtd);
    for (let i = 0; i < WARM_LISTINGS; i++) for (const s of sides) timed('virsh', ['-c', uris[s], 'list --all']);
  }
  for (let i = 0; i < Math.ceil(n / 4); i++) for (const s of sides) timed('virsh', ['-c', uris[s], cmd]);
  for (let i = 0; i < n; i++) {
    for (const s of i % 2 ? [...sides].reverse() : sides) {
      const before = cpuMs(daemonPids[s]);
      t[s].push(timed('virsh', ['-c', uris[s], cmd]));
      cpu[s] += (cpuMs(daemonPids[s]) - before) / n;
    }
  }
  return { cpu, ...Object.fromEntries(sides.map((s) => [s, median(t[s])])) };
}
/** libvirtd's figure for a row of the table, or why there is none. */
const libvirtdFigure = (figure) => (haveLibvirt ? { libvirt: figure } : { libvirtUnavailable: 'libvirtd does not answer' });
/** Each row's libvirtd/tsvirtd ratio of every run, for the summary at the end. */
const ratios = new Map();
function measure(id, label, uris, cmd, n) {
  const r = interleaved(uris, cmd, n);
  row(label, r.tsvirtd, r.libvirtd);
  cpuRow(r.cpu);
  emitRow(id, {
    tsvirt: r.tsvirtd, ...libvirtdFigure(r.libvirtd), unit: 'ms',
    note: `median of ${n}, interleaved; daemon CPU per command ${r.cpu.tsvirtd.toFixed(2)} ms${r.cpu.libvirtd === undefined ? '' : ` vs ${r.cpu.libvirtd.toFixed(2)} ms`}`,
  });
  if (r.libvirtd !== undefined) ratios.set(label, [...(ratios.get(label) ?? []), r.libvirtd / r.tsvirtd]);
}
const testRows = () => {
  console.log(`virsh 9.0 on test:///default ${load()}`);
  measure('daemon-script', '400-command script (median of 5, interleaved)', testURI, text, 5);
  measure('daemon-list', '`virsh list --all` (median of 30, interleaved)', testURI, 'list --all', 30);
};

// 2. QEMU with RUNNING domains running on each side.
const qemuXML = (name) => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
<os><type arch='x86_64' machine='pc'>hvm</type></os><devices><controller type='scsi' index='0' model='virtio-scsi'/><memballoon model='none'/></devices></domain>`;
const qemuURI = { tsvirtd: `qemu+unix:///system?socket=${sock}`, libvirtd: 'qemu:///system' };
const names = Array.from({ length: RUNNING }, (_, i) => `${TAG}q${i}`);
for (const n of names) writeFileSync(join(tmp, `${n}.xml`), qemuXML(n));
const needQemu = [2, 3, 4, 5].some((p) => PARTS.has(p));
for (const s of needQemu ? sides : []) {
  const define = names.map((n) => `define ${n}.xml; start ${n}`).join('; ');
  // One virsh per step: a failing step (the domain killed in part 4) must not skip the others.
  cleanups.push(() => {
    for (const n of names) for (const step of ['destroy', 'undefine']) spawnSync('virsh', ['-c', qemuURI[s], step, n], { stdio: 'ignore', cwd: tmp });
  });
  timed('virsh', ['-c', qemuURI[s], define]);
}
// the guests' firmware runs for a few seconds after their start: measure once it is idle
if (needQemu) await new Promise((r) => setTimeout(r, 15_000));
const qemuRow = () => {
  console.log(`\nvirsh 9.0 with ${RUNNING} QEMU domains running (TCG) ${load()}`);
  measure('daemon-list-qemu', `\`virsh list --all\` (median of 20, interleaved)`, qemuURI, 'list --all', 20);
};
for (let run = 1; run <= RUNS; run++) {
  if (RUNS > 1) console.log(`\nrun ${run} of ${RUNS}`);
  if (PARTS.has(1)) testRows();
  if (PARTS.has(2)) qemuRow();
}
if (RUNS > 1) {
  console.log(`\nratios over the ${RUNS} runs (libvirtd's time / tsvirtd's: above 1, tsvirtd is faster)`);
  for (const [label, xs] of ratios) {
    console.log(`  ${label.padEnd(44)} ${xs.map((x) => `${x.toFixed(2)}x`).join(' ')}   median ${median(xs).toFixed(2)}x, lowest ${Math.min(...xs).toFixed(2)}x`);
  }
}

// python3-libvirt's event fixture (parts 4 and 5).
const py = join(root, 'packages/daemon/test/fixtures/py-kill-event.py');
if (PARTS.has(3)) {
  // 3. tsvirsh through the daemon and directly, on the same root; Debian's virsh through libvirtd on
  // its own 20 running domains for libvirt's figure of the same command.
  const EMBED = `qemu:///embed?root=${join(tmp, 'root')}`;
  const disk = join(tmp, 'disk.img');
  execFileSync('qemu-img', ['create', '-f', 'raw', disk, '8M'], { stdio: 'ignore' });
  const runners = {
    daemon: (cmd) => timed(process.execPath, [TSVIRSH, '-c', EMBED, cmd]),
    direct: (cmd) => timed(process.execPath, [TSVIRSH, '-c', EMBED, cmd], { TSVIRT_DAEMON: '0' }),
    ...(haveLibvirt ? { libvirtd: (cmd) => timed('virsh', ['-c', qemuURI.libvirtd, cmd]) } : {}),
  };
  console.log(`\ntsvirsh with ${RUNNING} running, through tsvirtd vs direct; virsh through libvirtd for libvirt's figure (medians of 5)`);
  const attach = `attach-disk ${names[0]} ${disk} sda --live`;
  const detach = `detach-disk ${names[0]} sda --live`;
  for (const [label, cmd, before, after] of [['list --all', 'list --all'], ['attach-disk --live', attach, undefined, detach], ['detach-disk --live', detach, attach]]) {
    const at = load();
    const t = {};
    // the runners take turns, so that each meets the same load
    for (let i = 0; i < 5; i++) {
      for (const [k, run] of Object.entries(runners)) {
        if (before) run(before);
        (t[k] ??= []).push(run(cmd));
        if (after) run(after);
      }
    }
    const m = Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, median(xs)]));
    const theirs = m.libvirtd === undefined ? '' : `   virsh through libvirtd ${m.libvirtd.toFixed(0).padStart(5)} ms (${(m.libvirtd / m.daemon).toFixed(2)}x)`;
    console.log(`  ${label.padEnd(20)} through tsvirtd ${m.daemon.toFixed(0).padStart(5)} ms   direct ${m.direct.toFixed(0).padStart(5)} ms   ${(m.direct / m.daemon).toFixed(2)}x${theirs}   ${at}`);
  }
}

if (PARTS.has(4)) {
  // 4. A killed QEMU's event at a python client.
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
  emitRow('daemon-kill-event', { tsvirt: ev.tsvirtd, ...libvirtdFigure(ev.libvirtd), unit: 'ms' });
}

if (PARTS.has(5)) {
  // 5. A guest's own power-off, seen by QEMU (SHUTDOWN) and the daemon holding its monitor.
  const offDisk = join(tmp, 'poweroff.img');
  execFileSync('/usr/bin/python3', [join(root, 'packages/daemon/test/fixtures/poweroff-disk.py'), offDisk]);
  const offName = `${TAG}off`;
  writeFileSync(join(tmp, `${offName}.xml`), qemuXML(offName).replace('<devices>',
    `<devices><disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${offDisk}'/><target dev='hda' bus='ide'/></disk>`)
    .replace('</os>', '</os><features><acpi/></features>'));
  console.log(`\nA guest powering itself off → SHUTDOWN, then STOPPED, at a python3-libvirt client (median of 5, from before the injectNMI call) ${load()}`);
  const off = {};
  for (const s of sides) {
    cleanups.push(() => spawnSync('virsh', ['-c', qemuURI[s], 'undefine', offName], { stdio: 'ignore', cwd: tmp }));
    timed('virsh', ['-c', qemuURI[s], `define ${offName}.xml`]);
    const runs = Array.from({ length: 5 }, () => {
      timed('virsh', ['-c', qemuURI[s], `start ${offName}`]);
      const r = spawnSync('/usr/bin/python3', [py, qemuURI[s], offName, 'poweroff'], { encoding: 'utf8' });
      const after = (re) => Number(re.exec(r.stdout)?.[1] ?? NaN);
      spawnSync('virsh', ['-c', qemuURI[s], 'destroy', offName], { stdio: 'ignore' });
      const shutdown = after(/^shutdown 6 \d+ after ([\d.]+) ms/m);
      return { shutdown, stopped: after(/^event 5 0 after ([\d.]+) ms/m), call: after(/^injectNMI returned after ([\d.]+) ms/m) };
    });
    const of = (k) => median(runs.map((x) => x[k]));
    off[s] = { shutdown: of('shutdown'), stopped: of('stopped'), call: of('call') };
  }
  const lat = (x) => (x === undefined ? '     -' : x.toFixed(1).padStart(6));
  console.log(`  SHUTDOWN event (QEMU's SHUTDOWN)             tsvirtd ${lat(off.tsvirtd.shutdown)} ms   libvirtd ${lat(off.libvirtd?.shutdown)} ms   (goal <= 50 ms)`);
  console.log(`  of which the injectNMI call                  tsvirtd ${lat(off.tsvirtd.call)} ms   libvirtd ${lat(off.libvirtd?.call)} ms`);
  console.log(`  STOPPED event (QEMU gone, state written)     tsvirtd ${lat(off.tsvirtd.stopped)} ms   libvirtd ${lat(off.libvirtd?.stopped)} ms`);
  emitRow('daemon-poweroff-event', {
    tsvirt: off.tsvirtd.shutdown, ...libvirtdFigure(off.libvirtd?.shutdown), unit: 'ms',
    note: `median of 5; STOPPED after ${lat(off.tsvirtd.stopped).trim()} ms vs ${lat(off.libvirtd?.stopped).trim()} ms`,
  });
}
// the daemon child keeps the event loop alive: leave through the exit handler, which cleans up
process.exit(0);
