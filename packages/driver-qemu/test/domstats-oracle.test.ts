// domstats and dommemstat beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system):
// the same three domains on each side (running with a raw disk, a qcow2 over a backing file, an
// empty cdrom, a tap on a bridge this test makes, a balloon polling every 5 s and a vCPU offline
// through <vcpus>; transient and paused; persistent and shut off), `virsh domstats` with every
// group and flag through virsh and through tsvirsh. Static values must be equal; moving ones
// (times, RSS, the taps' counters) present on both sides and within a plausible range.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { forgetSystemDomain, oracleSkipped, systemVirsh } from './oracle-steps.js';
import { tsvirsh, type VirshRun } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const PREFIX = `tsvirt-ds-${process.pid}`;
const [RUN, PAUSED, OFF] = ['a', 'b', 'c'].map((x) => `${PREFIX}-${x}`) as [string, string, string];
const BRIDGE = `tsdsbr${process.pid}`;
let root: TestRoot;
let sides: Array<{ side: 'lv' | 'ts'; dir: string; tap: string }>;

const disks = (dir: string): string => `
<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${dir}/raw.img'/><target dev='vda' bus='virtio'/></disk>
<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${dir}/top.qcow2'/><target dev='vdb' bus='virtio'/></disk>
<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><target dev='hdc' bus='ide'/><readonly/></disk>`;

const nic = (tap: string): string =>
  `<interface type='bridge'><source bridge='${BRIDGE}'/><mac address='52:54:00:d5:00:01'/>${tap ? `<target dev='${tap}'/>` : ''}<model type='virtio'/></interface>`;

const domain = (name: string, vcpu: string, devices: string): string =>
  `<domain type='qemu'><name>${name}</name><memory unit='MiB'>128</memory><currentMemory unit='MiB'>96</currentMemory>${vcpu}
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`;

const OFFLINE_VCPU = `<vcpu placement='static' current='1'>2</vcpu><vcpus><vcpu id='0' enabled='yes' hotpluggable='no' order='1'/><vcpu id='1' enabled='no' hotpluggable='yes'/></vcpus>`;

/** Each side's images and definitions in `dir` (directories of one length, so the paths mask alike). */
function prepare(dir: string, tap: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '32M']);
  execFileSync('qemu-io', ['-c', 'write -P 0x11 0 1M', join(dir, 'base.qcow2')]);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', join(dir, 'base.qcow2'), '-F', 'qcow2', join(dir, 'top.qcow2')]);
  for (const f of ['raw.img', 'b.img']) {
    writeFileSync(join(dir, f), '');
    truncateSync(join(dir, f), 8 << 20);
  }
  writeFileSync(join(dir, 'a.xml'), domain(RUN, OFFLINE_VCPU, `${disks(dir)}${nic(tap)}<memballoon model='virtio'><stats period='5'/></memballoon>`));
  writeFileSync(join(dir, 'b.xml'), domain(PAUSED, '<vcpu>1</vcpu>',
    `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${dir}/b.img'/><target dev='vda' bus='virtio'/></disk><memballoon model='virtio'/>`));
  writeFileSync(join(dir, 'c.xml'), domain(OFF, '<vcpu>2</vcpu>', `${disks(dir)}${nic('')}`));
}

/** Runs one step on a side with its directory written for DIR. */
async function run(side: (typeof sides)[number], args: readonly string[]): Promise<VirshRun> {
  const words = args.map((w) => w.replaceAll('DIR', side.dir));
  return side.side === 'lv' ? systemVirsh(words) : tsvirsh(root.uri, ...words);
}

/**
 * The values that move between two reads (times, RSS, the taps' traffic and drops: the host's IPv6
 * chatter on the bridge; the disks' requests: SeaBIOS reads the boot disk again while it retries
 * the boot, whenever the load lets it).
 */
const MOVING = /^(cpu\.(time|user|system)|balloon\.rss|vcpu\.\d+\.(time|wait|delay)|net\.\d+\.[rt]x\.(bytes|pkts|errs|drop)|block\.\d+\.(rd|wr|fl)\.(reqs|bytes|times))$/;

/** A domstats output's records of this run's domains, by name, each `key=value` line in order. */
function recordsOf(out: string): Map<string, Array<[string, string]>> {
  const records = new Map<string, Array<[string, string]>>();
  for (const block of out.split('\n\n')) {
    const name = /^Domain: '([^']+)'/.exec(block)?.[1];
    if (name?.startsWith(PREFIX)) records.set(name, block.split('\n').slice(1).filter(Boolean).map((l) => l.trim().split('=', 2) as [string, string]));
  }
  return records;
}

/** A shut-off domain's cpu.* are the daemon's own times (libvirtd 9.0 reads /proc/self): present on both sides, not comparable. */
const daemonOwn = (name: string, key: string): boolean => name === OFF && key.startsWith('cpu.');

/** Moving values plausible on both sides: whole numbers within a factor of ten of each other, give or take a second's worth. */
function plausible(ours: string, theirs: string): boolean {
  const [a, b] = [Number(ours), Number(theirs)];
  return Number.isInteger(a) && Number.isInteger(b) && a >= 0 && b >= 0 && a <= 10 * b + 1e9 && b <= 10 * a + 1e9;
}

/** Both sides' records with each side's directory and tap masked; the moving values checked, then masked. */
async function compared(args: readonly string[]): Promise<{ ours: unknown; theirs: unknown; implausible: string[] }> {
  const [theirs, ours] = await Promise.all(sides.map(async (side) => {
    const r = await run(side, args);
    expect(r.stderr, `${side.side}: ${args.join(' ')}`).toBe('');
    return recordsOf(r.stdout.replaceAll(side.dir, 'DIR').replaceAll(side.tap, 'TAP'));
  })) as [Map<string, Array<[string, string]>>, Map<string, Array<[string, string]>>];
  const implausible: string[] = [];
  const masked = (records: Map<string, Array<[string, string]>>, other: Map<string, Array<[string, string]>>): Array<[string, string[]]> =>
    [...records].sort(([a], [b]) => a.localeCompare(b)).map(([name, lines]) => [name, lines.map(([k, v], i) => {
      if (!MOVING.test(k)) return `${k}=${v}`;
      const peer = other.get(name)?.[i];
      if (records === ours && peer?.[0] === k && !daemonOwn(name, k) && !plausible(v, peer[1])) implausible.push(`${name} ${k}: ${v} vs ${peer[1]}`);
      return `${k}=N`;
    })]);
  return { ours: masked(ours, theirs), theirs: masked(theirs, ours), implausible };
}

const GROUPS = ['state', 'cpu-total', 'balloon', 'vcpu', 'interface', 'block', 'perf', 'iothread', 'memory', 'dirtyrate', 'vm'];
const LISTS = ['--list-active', '--list-inactive', '--list-running', '--list-paused', '--list-shutoff', '--list-persistent', '--list-transient', '--list-other'];

describe.skipIf(oracleSkipped('domstats-oracle'))("domstats beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    execFileSync('ip', ['link', 'add', BRIDGE, 'type', 'bridge']);
    execFileSync('ip', ['link', 'set', BRIDGE, 'up']);
    sides = [
      { side: 'lv', dir: join(root.dir, 'lv'), tap: `dsl${process.pid}` },
      { side: 'ts', dir: join(root.dir, 'ts'), tap: `dst${process.pid}` },
    ];
    for (const side of sides) {
      prepare(side.dir, side.tap);
      for (const step of [['define', 'DIR/a.xml'], ['start', RUN], ['create', 'DIR/b.xml', '--paused'], ['define', 'DIR/c.xml']]) {
        const r = await run(side, step);
        expect(r.stderr, `${side.side}: ${step.join(' ')}`).toBe('');
      }
    }
  }, 120_000);
  afterAll(async () => {
    try {
      for (const name of [RUN, PAUSED, OFF]) forgetSystemDomain(name);
      await root?.cleanup();
    } finally {
      // the bridge goes even when the clean-up above failed (or beforeAll stopped before making it)
      spawnSync('ip', ['link', 'del', BRIDGE], { stdio: 'ignore' });
    }
  });

  const FLAG_SETS = [[], ['--raw'], ['--enforce'], ['--backing'], ['--nowait'], ['--block', '--backing', '--raw']];
  it.each(FLAG_SETS.map((f) => [f.join(' ') || 'without flags', f] as const))(
    'domstats %s of a running, a paused and a shut-off domain: the same keys in the same order, equal static values',
    async (_, flags) => {
      const r = await compared(['domstats', ...flags, RUN, PAUSED, OFF]);
      expect(r.ours).toEqual(r.theirs);
      expect(r.implausible.join('\n')).toBe('');
    }, 60_000);

  it.each(GROUPS)('domstats --%s answers as libvirtd, with --enforce for the running and paused domains', async (group) => {
    for (const args of [[`--${group}`, RUN, PAUSED, OFF], [`--${group}`, '--enforce', RUN, PAUSED]]) {
      const r = await compared(['domstats', ...args]);
      expect(r.ours).toEqual(r.theirs);
      expect(r.implausible.join('\n')).toBe('');
    }
  }, 60_000);

  it("refuses with --enforce the groups a stopped domain's QEMU would answer, in libvirt's words, and the others not", async () => {
    for (const args of [['--iothread'], ['--dirtyrate'], ['--vm'], ['--iothread', '--dirtyrate', '--vm', '--state'], ['--perf', '--memory', '--state']]) {
      const step = ['domstats', ...args, '--enforce', RUN, OFF];
      const [theirs, ours] = await Promise.all(sides.map((side) => run(side, step)));
      expect({ err: ours!.stderr, code: ours!.code }).toEqual({ err: theirs!.stderr, code: theirs!.code });
    }
  }, 60_000);

  it.each(LISTS)('domstats %s picks the domains libvirtd picks', async (list) => {
    const r = await compared(['domstats', list, '--state']);
    expect(r.ours).toEqual(r.theirs);
  }, 60_000);

  it('dommemstat of the running and the paused domain: the same counters', async () => {
    for (const name of [RUN, PAUSED]) {
      const [theirs, ours] = await Promise.all(sides.map((side) => run(side, ['dommemstat', name])));
      const mask = (out: string): string => out.replace(/^rss \d+$/m, 'rss N');
      expect(mask(ours!.stdout)).toBe(mask(theirs!.stdout));
      expect(ours!.stdout).toMatch(/^rss [1-9]\d*$/m);
    }
  }, 60_000);
});
