// driver-lxc beside libvirt's LXC driver and beside the floor, in one run on this machine:
//  - the floor: `unshare --fork --pid --mount --uts --ipc --net chroot ROOT /bin/true` on the same
//    busybox root (namespaces made and torn down, one exec, nothing else);
//  - `tsvirsh -c lxc:///embed?root=DIR` and `virsh -c lxc:///system` against a private libvirtd 9.0
//    (packages/driver-lxc/test/fixtures/libvirtd-private.sh): start until running, and destroy;
//  - the same start and destroy through the API in one warm process (no Node start-up per call).
// Each figure is the median wall time. Needs root. Env: BENCH_LXC_RUNS (default 7).
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_LXC_RUNS ?? 7);
const CLI = join(root, 'tools/virsh/dist/bundle/cli.js');

if (process.getuid?.() !== 0) {
  console.log('lxc-bench: needs root (namespaces, cgroups, libvirtd); skipped');
  process.exit(0);
}

const tmp = mkdtempSync(join(tmpdir(), 'lxc-bench-'));
const rootfs = join(tmp, 'rootfs');
mkdirSync(join(rootfs, 'bin'), { recursive: true });
copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
for (const a of ['sh', 'sleep', 'true']) symlinkSync('busybox', join(rootfs, 'bin', a));

const daemon = Number(execFileSync(join(root, 'packages/driver-lxc/test/fixtures/libvirtd-private.sh'), [join(tmp, 'libvirtd')], { encoding: 'utf8' }).trim());
const EMBED = `lxc:///embed?root=${tmp}/embed`;
const sides = {
  tsvirt: (...args) => [process.execPath, [CLI, '-c', EMBED, ...args]],
  libvirt: (...args) => ['virsh', ['-c', `lxc:///system?socket=${tmp}/libvirtd/run/libvirt-sock`, ...args]],
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timed(cmd, argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}: ${r.stderr.trim()}`);
  return ms;
}
const run = (side, ...args) => timed(...sides[side](...args));

const xml = `<domain type='lxc'><name>lxcbench${process.pid}</name><memory unit='MiB'>64</memory>
<os><type>exe</type><init>/bin/sh</init><initarg>-c</initarg><initarg>while :; do sleep 1; done</initarg></os>
<devices><filesystem type='mount'><source dir='${rootfs}'/><target dir='/'/></filesystem><console type='pty'/></devices></domain>`;
const file = join(tmp, 'domain.xml');
writeFileSync(file, xml);
const name = `lxcbench${process.pid}`;

const results = {};
try {
  results.floor = median(Array.from({ length: RUNS }, () => timed('unshare', ['--fork', '--pid', '--mount', '--uts', '--ipc', '--net', 'chroot', rootfs, '/bin/true'])));
  for (const side of ['tsvirt', 'libvirt']) {
    run(side, 'define', file);
    run(side, 'start', name);
    run(side, 'destroy', name);
    const starts = [];
    const destroys = [];
    for (let i = 0; i < RUNS; i++) {
      starts.push(run(side, 'start', name));
      destroys.push(run(side, 'destroy', name));
    }
    run(side, 'undefine', name);
    results[side] = { start: median(starts), destroy: median(destroys) };
  }
  // The driver is opened directly: the bench lives outside the packages that depend on it.
  const { Connection } = await import(join(root, 'packages/api/dist/index.js'));
  const { parseURI } = await import(join(root, 'packages/util/dist/index.js'));
  const { driver } = await import(join(root, 'packages/driver-lxc/dist/index.js'));
  const opened = await driver.open({ uri: parseURI(EMBED), readonly: false, connect: () => Promise.reject(new Error('no nested connections')) });
  const conn = new Connection(opened, EMBED, false);
  const dom = await conn.defineXML(xml);
  const starts = [];
  const destroys = [];
  for (let i = 0; i < RUNS; i++) {
    let t0 = process.hrtime.bigint();
    await dom.create();
    starts.push(Number(process.hrtime.bigint() - t0) / 1e6);
    t0 = process.hrtime.bigint();
    await dom.destroy();
    destroys.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  await dom.undefine();
  await conn.close();
  results.api = { start: median(starts), destroy: median(destroys) };
  const nodeFloor = median(Array.from({ length: RUNS }, () => timed(process.execPath, ['-e', '0'])));

  const f = (ms) => `${ms.toFixed(0)} ms`;
  const ratio = (a, b) => (a <= b ? `${(b / a).toFixed(1)}× as fast` : `${(a / b).toFixed(1)}× slower`);
  console.log(`runs per figure: ${RUNS} (median)`);
  console.log(`floor (unshare --fork --pid --mount --uts --ipc --net chroot ROOT /bin/true): ${f(results.floor)}`);
  console.log(`node -e 0 (the floor of any tsvirsh call): ${f(nodeFloor)}`);
  console.log('| operation | tsvirsh (lxc:///embed) | virsh (libvirtd 9.0) | ratio | tsvirt API, warm process | floor |');
  console.log('|---|---|---|---|---|---|');
  for (const op of ['start', 'destroy']) {
    console.log(`| ${op} | ${f(results.tsvirt[op])} | ${f(results.libvirt[op])} | ${ratio(results.tsvirt[op], results.libvirt[op])} | ${f(results.api[op])} | ${op === 'start' ? f(results.floor) : ''} |`);
  }
  console.log(`start: tsvirsh/virsh = ${(results.tsvirt.start / results.libvirt.start).toFixed(2)} (goal ≤ 0.5); API/virsh = ${(results.api.start / results.libvirt.start).toFixed(2)}`);
} finally {
  spawnSync(...sides.libvirt('destroy', name));
  spawnSync(...sides.libvirt('undefine', name));
  try {
    process.kill(daemon, 'SIGTERM');
  } catch {
    // Gone already.
  }
  rmSync(tmp, { recursive: true, force: true });
}
