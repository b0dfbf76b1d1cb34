// The network commands as a user runs them: `./tsvirsh net-start` + `net-destroy` of a NAT network
// with DHCP on qemu:///embed (the program bundle, as ./tsvirsh starts it) beside `virsh net-start`
// + `net-destroy` on a private libvirtd 9.0, each side in a network namespace of its own. The two
// sides alternate run by run, so both see the same load on a shared machine. Also shown: what
// every tsvirsh process pays before the driver does anything (`node -e 0`, and `net-list`).
// Each figure is the median wall time. Needs root. Env: BENCH_NET_RUNS (default 9).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_NET_RUNS ?? 9);
const TSVIRSH = join(root, 'tsvirsh');

if (process.getuid?.() !== 0) {
  console.log('network-cli-bench: needs root (namespaces, bridges, nftables, libvirtd); skipped');
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'net-cli-bench-'));
chmodSync(dir, 0o755);
const spaces = { ours: `ncb-t-${process.pid}`, theirs: `ncb-l-${process.pid}` };
for (const n of Object.values(spaces)) {
  execFileSync('ip', ['netns', 'add', n]);
  execFileSync('ip', ['netns', 'exec', n, 'ip', 'link', 'set', 'lo', 'up']);
}
const netFile = join(dir, 'cli.xml');
writeFileSync(netFile, `<network><name>cli</name><forward mode='nat'/><bridge name='ncbbr0'/><ip address='192.168.124.1' netmask='255.255.255.0'>
<dhcp><range start='192.168.124.2' end='192.168.124.254'/></dhcp></ip></network>`);

// libvirtd with its state on tmpfs in a mount namespace of its own, its socket in our directory.
const sock = join(dir, 'sock');
mkdirSync(sock);
writeFileSync(join(dir, 'd.conf'), `unix_sock_dir = "${sock}"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n`);
const tmpfs = ['/run/libvirt', '/var/lib/libvirt', '/etc/libvirt', '/var/cache/libvirt', '/var/log/libvirt']
  .map((d) => `mkdir -p ${d} && mount -t tmpfs tmpfs ${d}`).join(' && ');
const libvirtd = spawn('ip', ['netns', 'exec', spaces.theirs, 'unshare', '-m', '--propagation', 'private', 'sh', '-c',
  `${tmpfs} && exec libvirtd -f ${dir}/d.conf -p ${dir}/d.pid`], { stdio: 'ignore' });
for (let i = 0; i < 1200 && !existsSync(join(sock, 'libvirt-sock')); i++) await sleep(50);

const cli = {
  ours: (...args) => ['ip', ['netns', 'exec', spaces.ours, TSVIRSH, '-c', `qemu:///embed?root=${dir}/embed`, ...args]],
  theirs: (...args) => ['ip', ['netns', 'exec', spaces.theirs, 'virsh', '-c', `network:///system?socket=${sock}/libvirt-sock`, ...args]],
};
function ms([cmd, argv]) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr.trim()}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const t = { ours: [], theirs: [], node: [], list: [] };
try {
  for (const side of ['ours', 'theirs']) ms(cli[side]('net-define', netFile));
  for (let i = 0; i <= RUNS; i++) {
    for (const side of ['ours', 'theirs']) {
      const both = ms(cli[side]('net-start', 'cli')) + ms(cli[side]('net-destroy', 'cli'));
      if (i > 0) t[side].push(both);
    }
    t.node.push(ms(['ip', ['netns', 'exec', spaces.ours, process.execPath, '-e', '0']]));
    t.list.push(ms(cli.ours('net-list')));
  }
} finally {
  libvirtd.kill('SIGTERM');
  for (const n of Object.values(spaces)) {
    for (const p of spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) spawnSync('kill', ['-9', p]);
    spawnSync('ip', ['netns', 'del', n]);
  }
  rmSync(dir, { recursive: true, force: true });
}

const [ours, theirs, node, list] = [t.ours, t.theirs, t.node, t.list].map(median);
const f = (x) => `${x.toFixed(0)} ms`.padStart(8);
console.log(`network (CLI): net-start + net-destroy of a NAT network with DHCP, median of ${RUNS}, sides alternating`);
console.log(`  ./tsvirsh on qemu:///embed        ${f(ours)}  ${(ours / theirs).toFixed(2)}x libvirt`);
console.log(`  virsh + libvirtd 9.0              ${f(theirs)}`);
console.log(`  per tsvirsh process: node -e 0 ${f(node)}, tsvirsh net-list ${f(list)} (2 processes a cycle)`);
