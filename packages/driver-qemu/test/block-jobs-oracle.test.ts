// Block jobs beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system): the same
// steps through virsh and through tsvirsh on qemu:///embed, each side on its own copy of a qcow2
// chain (directories of one length, so tables line up alike), compared byte for byte once each
// side's directory is written as DIR.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { tsvirsh, type VirshRun } from './tsvirsh.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-bj-${process.pid}`;
let root: TestRoot;

/** A chain base ← mid ← top in `dir`, with data in each layer, and the domain's XML over top. */
function prepare(dir: string): string {
  mkdirSync(dir, { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '16M']);
  execFileSync('qemu-io', ['-c', 'write -P 0x11 0 1M', join(dir, 'base.qcow2')]);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', join(dir, 'base.qcow2'), '-F', 'qcow2', join(dir, 'mid.qcow2')]);
  execFileSync('qemu-io', ['-c', 'write -P 0x22 1M 1M', join(dir, 'mid.qcow2')]);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', join(dir, 'mid.qcow2'), '-F', 'qcow2', join(dir, 'top.qcow2')]);
  const xml = join(dir, 'dom.xml');
  writeFileSync(xml, `<domain type='qemu'><name>${NAME}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>
  <disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='${join(dir, 'top.qcow2')}'/><target dev='vda' bus='virtio'/></disk>
  </devices></domain>`);
  return xml;
}

function virsh(args: string[]): VirshRun {
  const r = spawnSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 1 };
}

const masked = (r: VirshRun, dir: string): VirshRun => ({ stdout: r.stdout.replaceAll(dir, 'DIR'), stderr: r.stderr.replaceAll(dir, 'DIR'), code: r.code });

// libvirtd's system instance needs root; elsewhere the suite says why it skips, and in CI it never does.
const skip = process.getuid?.() !== 0 && process.env['CI'] !== 'true';
if (skip) console.log('block-jobs-oracle: skipped, starting libvirtd for qemu:///system needs root');
describe.skipIf(skip)("block jobs beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(() => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
  });
  afterAll(async () => {
    virsh(['destroy', NAME]);
    virsh(['undefine', NAME]);
    await root?.cleanup();
  });

  it('gives the same answers, outputs and refusals step by step', async () => {
    const theirs = join(root.dir, 'lv');
    const ours = join(root.dir, 'ts');
    const steps: string[][] = [
      ['blockjob', NAME, 'vda'], ['blockcopy', NAME, 'vda', '--dest', 'DIR/c.qcow2'], ['define', 'DIR/dom.xml'],
      ['blockjob', NAME, 'vda'], ['blockjob', NAME, 'vda', '--abort'], ['blockcommit', NAME, 'vda'], ['blockpull', NAME, 'vda'],
      ['blockresize', NAME, 'vda', '1M'], ['domblkthreshold', NAME, 'vda', '1M'], ['start', NAME],
      ['blockjob', NAME, 'vda'], ['blockjob', NAME, 'vda', '--raw'], ['blockjob', NAME, 'vda', '--pivot'], ['blockjob', NAME, 'vdz', '--info'],
      ['blockjob', NAME, 'vda', '--bandwidth', '10'], ['blockcopy', NAME, 'vda', '--dest', 'DIR/c.qcow2'],
      ['blockcopy', NAME, 'vda', '--dest', 'DIR/none.qcow2', '--reuse-external', '--transient-job'],
      ['blockcommit', NAME, 'vda', '--base', 'DIR/nosuch'], ['blockcommit', NAME, 'vda', '--top', 'DIR/mid.qcow2', '--base', 'DIR/top.qcow2'],
      ['blockcommit', NAME, 'vda', '--top', 'DIR/nosuch'], ['blockresize', NAME, 'vdb', '33M'], ['blockresize', NAME, 'vda', '32M'],
      ['domblkthreshold', NAME, 'vda', '10M'], ['blockcommit', NAME, 'vda', '--top', 'DIR/mid.qcow2', '--delete', '--wait'],
      ['blockcopy', NAME, 'vda', '--dest', 'DIR/c.qcow2', '--transient-job', '--bandwidth', '1'], ['blockjob', NAME, 'vda', '--bandwidth', '2'],
      // a bandwidth with a suffix is bytes/s, made whole MiB/s without --bytes
      ['blockjob', NAME, 'vda', '--bandwidth', '3M'], ['blockjob', NAME, 'vda', '--info'], ['blockjob', NAME, 'vda', '--bandwidth', '5m', '--bytes'],
      ['blockjob', NAME, 'vda', '--info', '--bytes'], ['blockjob', NAME, 'vda', '--bandwidth', '1x'],
      // the destination, then the bandwidth, as bare words (virsh fills value options in order)
      ['blockcopy', NAME, 'vda', 'DIR/d2.qcow2', '1', '--transient-job'],
      ['blockcopy', NAME, 'vda', '--dest', 'DIR/d.qcow2', '--transient-job'],
      ['blockpull', NAME, 'vda'], ['blockjob', NAME, 'vda', '--abort'], ['blockjob', NAME, 'vda'],
      ['blockpull', NAME, 'vda', '--wait'], ['blockcommit', NAME, 'vda', '--active', '--keep-overlay'], ['blockcommit', NAME, 'vda', '--active', '--pivot'],
      // a destination that cannot be made; a raw copy (its file made at the full size, no qcow2 layout)
      ['blockcopy', NAME, 'vda', '--dest', 'DIR/nodir/g.qcow2', '--transient-job'],
      ['blockcopy', NAME, 'vda', '--dest', 'DIR/r.raw', '--format', 'raw', '--transient-job', '--wait', '--finish'],
      ['blockcopy', NAME, 'vda', 'DIR/e.qcow2', '--transient-job', '--wait', '--finish'],
      ['blockcopy', NAME, 'vda', '--dest', 'DIR/f.qcow2', '--transient-job', '--wait', '--pivot'], ['domblklist', NAME],
      ['dumpxml', '--inactive', '--xpath', '//disk/source', NAME], ['destroy', NAME], ['undefine', NAME],
    ];
    const theirXML = prepare(theirs);
    const ourXML = prepare(ours);
    expect(theirXML.replace(theirs, 'DIR')).toBe(ourXML.replace(ours, 'DIR'));
    virsh(['destroy', NAME]);
    virsh(['undefine', NAME]);
    for (const step of steps) {
      const a = masked(virsh(step.map((w) => w.replaceAll('DIR', theirs))), theirs);
      const b = masked(await tsvirsh(root.uri, ...step.map((w) => w.replaceAll('DIR', ours))), ours);
      expect({ step, ...b }).toEqual({ step, ...a });
    }
    // --delete removed the committed image on both sides; the others stay.
    expect(['mid', 'top', 'base'].map((n) => existsSync(join(ours, `${n}.qcow2`)))).toEqual(['mid', 'top', 'base'].map((n) => existsSync(join(theirs, `${n}.qcow2`))));
    expect(existsSync(join(ours, 'mid.qcow2'))).toBe(false);
    // The raw copies hold the same bytes as libvirt's.
    expect(spawnSync('qemu-img', ['compare', '-U', '-f', 'raw', '-F', 'raw', join(ours, 'r.raw'), join(theirs, 'r.raw')]).status).toBe(0);
  }, 300_000); // About 40 steps, each a virsh and a tsvirsh process: slow on a loaded machine.
});
