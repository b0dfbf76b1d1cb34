// secondary-network beside libvirt's network driver and beside the floor, in one run on this machine:
// start + stop of a NAT network with DHCP (bridge, addresses, firewall, dnsmasq), each side in a
// network namespace of its own so that nothing touches the host:
//  - the floor: the same `ip -batch`, `nft -f` and dnsmasq commands run bare from a shell, then
//    killing dnsmasq, deleting the table and the bridge;
//  - `tsvirsh net-start` + `net-destroy` on qemu:///embed, and `virsh net-start` + `net-destroy`
//    against a private libvirtd 9.0 (own config, socket and state dirs, in a mount namespace);
//  - the same start and stop through the API in one warm process (no Node start-up per call).
// Each figure is the median wall time. Needs root. Env: BENCH_NET_RUNS (default 7).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_NET_RUNS ?? 7);
const CLI = join(root, 'tools/virsh/dist/bundle/cli.js');
const RUNNER = join(root, 'packages/secondary-network/test/fixtures/api-runner.mjs');

if (process.getuid?.() !== 0) {
  console.log('network-bench: needs root (namespaces, bridges, nftables, libvirtd); skipped');
  process.exit(0);
}

const tag = `${process.pid}`;
const tmp = mkdtempSync(join(tmpdir(), 'net-bench-'));
chmodSync(tmp, 0o755);
const ns = { floor: `nbf-${tag}`, tsvirt: `nbt-${tag}`, libvirt: `nbl-${tag}` };
for (const n of Object.values(ns)) {
  execFileSync('ip', ['netns', 'add', n]);
  execFileSync('ip', ['netns', 'exec', n, 'ip', 'link', 'set', 'lo', 'up']);
}
const xml = `<network><name>bench</name><uuid>0e1d2c3b-4a59-4687-8796-a5b4c3d2e1f0</uuid><forward mode='nat'/><bridge name='nbbr0'/>
<mac address='52:54:00:be:0c:01'/><ip address='192.168.123.1' netmask='255.255.255.0'><dhcp><range start='192.168.123.2' end='192.168.123.254'/></dhcp></ip></network>`;
const file = join(tmp, 'bench.xml');
writeFileSync(file, xml);

// The private libvirtd: tmpfs over its directories in a mount namespace of its own.
mkdirSync(join(tmp, 'sock'));
writeFileSync(join(tmp, 'libvirtd.conf'), `unix_sock_dir = "${tmp}/sock"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\n`);
const mounts = ['/run/libvirt', '/var/lib/libvirt', '/etc/libvirt', '/var/cache/libvirt', '/var/log/libvirt'].map((d) => `mkdir -p ${d} && mount -t tmpfs tmpfs ${d}`).join(' && ');
const daemon = spawn('ip', ['netns', 'exec', ns.libvirt, 'unshare', '-m', '--propagation', 'private', 'sh', '-c',
  `${mounts} && exec libvirtd -f ${tmp}/libvirtd.conf -p ${tmp}/libvirtd.pid`], { stdio: 'ignore' });
for (let i = 0; i < 400 && !existsSync(`${tmp}/sock/libvirt-sock`); i++) await sleep(50);

const EMBED = `qemu:///embed?root=${tmp}/embed`;
const inNs = (n, cmd, argv) => ['ip', ['netns', 'exec', n, cmd, ...argv]];
const sides = {
  tsvirt: (...args) => inNs(ns.tsvirt, process.execPath, [CLI, '-c', EMBED, ...args]),
  libvirt: (...args) => inNs(ns.libvirt, 'virsh', ['-c', `network:///system?socket=${tmp}/sock/libvirt-sock`, ...args]),
};
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
function timed(cmd, argv, input) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { encoding: 'utf8', ...(input !== undefined ? { input } : {}) });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}: ${r.stderr.trim()}`);
  return ms;
}

// The floor: what the driver runs, without the driver.
const fdir = join(tmp, 'floor');
mkdirSync(fdir);
writeFileSync(join(fdir, 'b.conf'), `strict-order\npid-file=${fdir}/b.pid\nexcept-interface=lo\nbind-dynamic\ninterface=nbbr0\n` +
  `dhcp-range=192.168.123.2,192.168.123.254,255.255.255.0\ndhcp-no-override\ndhcp-authoritative\ndhcp-lease-max=253\n` +
  `dhcp-hostsfile=${fdir}/b.hostsfile\naddn-hosts=${fdir}/b.addnhosts\n`);
writeFileSync(join(fdir, 'b.hostsfile'), '');
writeFileSync(join(fdir, 'b.addnhosts'), '');
const nft = `table inet floor {\n chain forward { type filter hook forward priority -1; policy accept;\n` +
  `  iifname "nbbr0" oifname "nbbr0" accept\n  iifname "nbbr0" ip saddr 192.168.123.0/24 accept\n` +
  `  oifname "nbbr0" ip daddr 192.168.123.0/24 ct state established,related accept\n  oifname "nbbr0" reject\n  iifname "nbbr0" reject\n }\n` +
  ` chain postrouting { type nat hook postrouting priority 99; policy accept;\n  ip saddr 192.168.123.0/24 ip daddr != 192.168.123.0/24 masquerade\n }\n}\n`;
const floorScript = `set -e
printf 'link add nbbr0 type bridge stp_state 1 forward_delay 0\\nlink set nbbr0 address 52:54:00:be:0c:01\\naddr add 192.168.123.1/24 broadcast + dev nbbr0\\nlink set nbbr0 up\\n' | ip -batch -
echo 1 > /proc/sys/net/ipv4/ip_forward
nft -f - <<'NFT'
${nft}NFT
dnsmasq --conf-file=${fdir}/b.conf --dhcp-leasefile=${fdir}/b.leases
kill $(cat ${fdir}/b.pid)
nft delete table inet floor
ip link del nbbr0
`;

const results = {};
try {
  results.floor = median(Array.from({ length: RUNS }, () => timed('ip', ['netns', 'exec', ns.floor, 'sh', '-c', floorScript])));
  for (const side of ['tsvirt', 'libvirt']) {
    timed(...sides[side]('net-define', file));
    timed(...sides[side]('net-start', 'bench'));
    timed(...sides[side]('net-destroy', 'bench'));
    const both = [];
    for (let i = 0; i < RUNS; i++) both.push(timed(...sides[side]('net-start', 'bench')) + timed(...sides[side]('net-destroy', 'bench')));
    timed(...sides[side]('net-undefine', 'bench'));
    results[side] = median(both);
  }
  // The same in one warm process, inside the namespace (the API runner of the package's tests).
  const body = `const n = await conn.networkDefineXML(${JSON.stringify(xml)}); const out = [];
    for (let i = 0; i < ${RUNS + 1}; i++) { const t = performance.now(); await n.create(); await n.destroy(); out.push(performance.now() - t); }
    await n.undefine(); return out.slice(1);`;
  const out = execFileSync('ip', ['netns', 'exec', ns.tsvirt, process.execPath, RUNNER, EMBED], { input: body, encoding: 'utf8' });
  results.api = median(JSON.parse(out).result);
} finally {
  daemon.kill('SIGTERM');
  for (const n of Object.values(ns)) {
    const pids = spawnSync('ip', ['netns', 'pids', n], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    for (const p of pids) spawnSync('kill', ['-9', p]);
    spawnSync('ip', ['netns', 'del', n]);
  }
  rmSync(tmp, { recursive: true, force: true });
}

const f = (ms) => `${ms.toFixed(0)} ms`;
console.log(`network: start + stop of a NAT network with DHCP, median of ${RUNS}`);
console.log(`  floor (ip, nft, dnsmasq bare)           ${f(results.floor)}`);
console.log(`  tsvirsh net-start + net-destroy         ${f(results.tsvirt)}  (${(results.tsvirt / results.libvirt).toFixed(2)}x libvirt, ${(results.tsvirt / results.floor).toFixed(1)}x the floor)`);
console.log(`  virsh + libvirtd 9.0                    ${f(results.libvirt)}  (${(results.libvirt / results.floor).toFixed(1)}x the floor)`);
console.log(`  API, one warm process                   ${f(results.api)}  (${(results.api / results.libvirt).toFixed(2)}x libvirt, ${(results.api / results.floor).toFixed(1)}x the floor)`);
