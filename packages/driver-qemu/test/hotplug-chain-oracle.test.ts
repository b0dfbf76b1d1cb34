// Backing chains of hotplugged disks beside libvirt's own QEMU driver (Debian's libvirtd 9.0,
// qemu:///system): qcow2 images over backing files (and a raw one between them) plugged into a
// running domain through virsh and through tsvirsh, each side on its own images; the live XML's
// chains with their indexes, domstats --backing, domblkinfo and block jobs on the plugged disks,
// compared once each side's directory is written as DIR.
import { execFileSync } from 'node:child_process';
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, forgetSystemDomain, oracleSkipped, systemVirsh, type OracleSides } from './oracle-steps.js';
import { tsvirsh } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-hotchain-${process.pid}`;
let root: TestRoot;
let sides: OracleSides;

/** A chain base ← mid ← top, an overlay over base2 and a raw image in `dir`, and the domain's XML. */
function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const img = (...args: string[]): void => void execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', ...args]);
  img(join(dir, 'base.qcow2'), '32M');
  execFileSync('qemu-io', ['-c', 'write -P 0x11 0 1M', join(dir, 'base.qcow2')]);
  img('-b', join(dir, 'base.qcow2'), '-F', 'qcow2', join(dir, 'mid.qcow2'));
  execFileSync('qemu-io', ['-c', 'write -P 0x22 1M 1M', join(dir, 'mid.qcow2')]);
  img('-b', join(dir, 'mid.qcow2'), '-F', 'qcow2', join(dir, 'top.qcow2'));
  // Its own base: two chains sharing an image could not commit into it (QEMU's write lock).
  img(join(dir, 'base2.qcow2'), '32M');
  img('-b', join(dir, 'base2.qcow2'), '-F', 'qcow2', join(dir, 'over.qcow2'));
  for (const f of ['vda.img', 'raw.img']) {
    writeFileSync(join(dir, f), '');
    truncateSync(join(dir, f), 8 << 20);
  }
  writeFileSync(join(dir, 'dom.xml'), `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
  <disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${join(dir, 'vda.img')}'/><target dev='vda' bus='virtio'/></disk>
  <controller type='scsi' model='virtio-scsi'/><memballoon model='none'/></devices></domain>`);
}

/** Each disk's target with its source and `<backingStore>` chain (indexes, formats, paths) from the live XML. */
const chains = (xml: string): string[] =>
  [...xml.matchAll(/<disk [\s\S]*?<\/disk>/g)].map(([disk]) => {
    const target = /<target dev='(\w+)'/.exec(disk)?.[1] ?? '';
    const chain = disk.split('\n').filter((l) => /<source |<backingStore|<\/backingStore>|<format /.test(l)).map((l) => l.trim());
    return `${target}: ${chain.join(' ')}`;
  });

/** Both sides' chains equal; `layered` when some disk must still have a backing image. */
async function sameChains(layered: boolean): Promise<void> {
  const theirs = chains(systemVirsh(['dumpxml', NAME]).stdout.replaceAll(sides.theirs, 'DIR'));
  const ours = chains((await tsvirsh(root.uri, 'dumpxml', NAME)).stdout.replaceAll(sides.ours, 'DIR'));
  expect(theirs.some((c) => c.includes('<backingStore type'))).toBe(layered);
  expect(ours).toEqual(theirs);
}

/**
 * I/O counters move between any two reads (request times), and with the guest's firmware: SeaBIOS
 * reads the boot disk again while it retries the boot, whenever the load lets it.
 */
const mask = (text: string, dir: string): string =>
  text.replaceAll(dir, 'DIR').replace(/^(\s*block\.\d+\.(rd|wr|fl)\.(reqs|bytes|times)=)\d+$/gm, '$1N');

describe.skipIf(oracleSkipped('hotplug-chain-oracle'))("hotplugged disks' backing chains beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(async () => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    sides = { uri: root.uri, theirs: join(root.dir, 'lv'), ours: join(root.dir, 'ts'), mask };
    prepare(sides.theirs);
    prepare(sides.ours);
    const { differ } = await compareSteps(sides, [['create', 'DIR/dom.xml']]);
    expect(differ).toEqual([]);
  }, 120_000);
  afterAll(async () => {
    forgetSystemDomain(NAME);
    await root?.cleanup();
  });

  it('plugs qcow2 disks over backing files with the chain in the live XML, numbered as libvirtd numbers them', async () => {
    const { differ } = await compareSteps(sides, [
      ['attach-disk', NAME, 'DIR/top.qcow2', 'sdc', '--targetbus', 'scsi', '--subdriver', 'qcow2', '--live'],
      ['attach-disk', NAME, 'DIR/raw.img', 'sdd', '--targetbus', 'scsi', '--live'],
      ['attach-disk', NAME, 'DIR/over.qcow2', 'sde', '--targetbus', 'scsi', '--subdriver', 'qcow2', '--live'],
      ['domstats', NAME, '--block', '--backing'], ['domblkinfo', NAME, 'sdc'], ['domblklist', NAME],
    ]);
    expect(differ).toEqual([]);
    await sameChains(true);
  }, 120_000);

  it('runs block jobs on the plugged chains as libvirtd does', async () => {
    // The blocks a file system gives an image a job wrote differ by a few KiB between two runs.
    const written = { ...sides, mask: (text: string, dir: string) => mask(text, dir).replace(/^(\s*block\.\d+\.physical=)\d+$/gm, '$1N') };
    const { differ } = await compareSteps(written, [
      ['blockcommit', NAME, 'sdc', '--top', 'DIR/mid.qcow2', '--wait'],
      ['blockpull', NAME, 'sde', '--wait'],
      ['blockcommit', NAME, 'sdc', '--active', '--pivot', '--wait'],
      ['domstats', NAME, '--block', '--backing'],
    ]);
    expect(differ).toEqual([]);
    // The pull and the active commit left every disk a single image, on both sides alike.
    await sameChains(false);
  }, 120_000);
});
