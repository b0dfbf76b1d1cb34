// External snapshots beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system): the
// same steps through virsh and through tsvirsh on qemu:///embed, each side on its own images
// (directories of one length), compared byte for byte once directories and times are masked; then
// the backing chains each side left, read with `qemu-img info --backing-chain`.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-snapext-${process.pid}`;
const NET = `tsvirt-snapnet-${process.pid}`;
const TR = `tsvirt-snaptr-${process.pid}`;
const UUID = 'b7a5c2d0-5e1f-4c3a-9d2e-0f1e2d3c4b5a';
let root: TestRoot;

const disk = (file: string, format: string, target: string): string =>
  `<disk type='file' device='disk'><driver name='qemu' type='${format}'/><source file='${file}'/><target dev='${target}' bus='virtio'/></disk>`;

/** Two qcow2 disks and a raw one in `dir`, the domain's XML, and files the reuse and refusal steps name. */
function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const img = (name: string, format: string, ...backing: string[]): void => {
    execFileSync('qemu-img', ['create', '-q', '-f', format, ...backing, join(dir, name), ...(backing.length ? [] : ['16M'])]);
  };
  img('a.qcow2', 'qcow2');
  img('b.qcow2', 'qcow2');
  img('r.img', 'raw');
  // reused on top of x1.qcow2, made before it as a user would make it (-u: its backing comes later)
  img('reuse.qcow2', 'qcow2', '-u', '-b', join(dir, 'x1.qcow2'), '-F', 'qcow2', '-o', 'size=16M');
  img('taken.qcow2', 'qcow2');
  const devices = disk(join(dir, 'a.qcow2'), 'qcow2', 'vda') + disk(join(dir, 'b.qcow2'), 'qcow2', 'vdb') + disk(join(dir, 'r.img'), 'raw', 'vdc');
  writeFileSync(join(dir, 'dom.xml'), `<domain type='qemu'><name>${NAME}</name><uuid>${UUID}</uuid><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}</devices></domain>`);
  // a network disk and an empty CD-ROM, never started: only the refusals
  const nbd = "<disk type='network' device='disk'><driver name='qemu' type='raw'/><source protocol='nbd' name='export'><host name='127.0.0.1' port='10809'/></source>"
    + "<target dev='vda' bus='virtio'/></disk><disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>";
  writeFileSync(join(dir, 'net.xml'), `<domain type='qemu'><name>${NET}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${nbd}</devices></domain>`);
  img('t.qcow2', 'qcow2');
  writeFileSync(join(dir, 'tr.xml'), `<domain type='qemu'><name>${TR}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${disk(join(dir, 't.qcow2'), 'qcow2', 'vda')}</devices></domain>`);
  writeFileSync(join(dir, 'snap.xml'), `<domainsnapshot><name>x1</name><description>from xml</description><disks>
  <disk name='vda' snapshot='external'><source file='${join(dir, 'x1.qcow2')}'/></disk><disk name='vdb' snapshot='no'/>
  <disk name='vdc'><driver type='qcow2'/></disk></disks></domainsnapshot>`);
}

const TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}/g;
const mask = (text: string, dir: string): string => text.replaceAll(dir, 'DIR').replace(TIME, 'TIME').replace(/<creationTime>\d+</g, '<creationTime>T<');

/** Each image of a chain from its top: its name and backing file's name, as qemu-img reads the headers. */
function chain(file: string, dir: string): string {
  const info = execFileSync('qemu-img', ['info', '-U', '--backing-chain', '--output=json', file], { encoding: 'utf8' });
  const images = JSON.parse(info) as Array<{ filename: string; format: string; 'backing-filename'?: string; 'backing-filename-format'?: string }>;
  return mask(images.map((i) => `${i.filename} ${i.format} <- ${i['backing-filename'] ?? '-'} ${i['backing-filename-format'] ?? ''}`).join('\n'), dir);
}

const S = NAME;
const STEPS: string[][] = [
  ['define', 'DIR/dom.xml'],
  // shut off: overlays made by qemu-img, the definition moved onto them
  ['snapshot-create-as', S, 'off1', '--disk-only', '--diskspec', 'vdc,snapshot=no'], ['snapshot-dumpxml', S, 'off1', '--xpath', '/domainsnapshot/*[not(self::domain)]'],
  ['dumpxml', S, '--xpath', '//disk'], ['domblklist', S],
  ['snapshot-create-as', S, 'bad', '--memspec', 'snapshot=external,file=DIR/mem'], ['snapshot-create-as', S, 'bad', '--diskspec', 'vda,snapshot=external'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda,file=rel.qcow2'], ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda,file=DIR/x.raw,driver=raw'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda,snapshot=internal,file=DIR/x.qcow2'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda,file=DIR/taken.qcow2'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda,snapshot=no', '--diskspec', 'vdb,snapshot=no', '--diskspec', 'vdc,snapshot=no'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda', '--diskspec', 'vda'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vdz'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--quiesce'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--live'],
  ['snapshot-list', S],
  // running: blockdev-add of each overlay and one transaction of blockdev-snapshot actions
  ['start', S], ['snapshot-create-as', S, 'run1', '--disk-only', '--atomic'], ['dumpxml', S, '--xpath', '//disk'],
  ['dumpxml', S, '--inactive', '--xpath', '//disk'], ['domblklist', S, '--details'],
  ['snapshot-create', S, 'DIR/snap.xml', '--disk-only'], ['snapshot-dumpxml', S, 'x1', '--xpath', '/domainsnapshot/*[not(self::domain or self::inactiveDomain)]'],
  ['dumpxml', S, '--xpath', '//disk/source'],
  ['snapshot-create-as', S, 'reused', '--disk-only', '--reuse-external', '--diskspec', 'vda,file=DIR/reuse.qcow2', '--diskspec', 'vdb,snapshot=no', '--diskspec', 'vdc,snapshot=no'],
  ['snapshot-create-as', S, 'nometa', '--disk-only', '--no-metadata', '--diskspec', 'vda,snapshot=no', '--diskspec', 'vdc,snapshot=no'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--reuse-external', '--diskspec', 'vda,file=DIR/nosuch.qcow2'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--reuse-external', '--diskspec', 'vda,file=DIR/r.img', '--diskspec', 'vdb,snapshot=no', '--diskspec', 'vdc,snapshot=no'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda,snapshot=internal'],
  ['snapshot-create-as', S, 'bad', '--diskspec', 'vda,snapshot=external'], ['snapshot-create-as', S, 'bad', '--memspec', 'snapshot=no'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--live'], ['snapshot-create-as', S, 'bad', '--disk-only', '--quiesce'],
  ['snapshot-create-as', S, 'bad', '--memspec', 'snapshot=internal', '--diskspec', 'vdb,snapshot=external'],
  ['snapshot-create-as', S, 'bad', '--memspec', 'snapshot=external,file=DIR/mem', '--diskspec', 'vdb,snapshot=internal'],
  ['snapshot-create-as', S, 'bad', '--memspec', 'file=DIR/mem,snapshot=internal'],
  ['snapshot-list', S], ['snapshot-list', S, '--tree'], ['snapshot-list', S, '--parent'], ['snapshot-list', S, '--external'],
  ['snapshot-list', S, '--internal'], ['snapshot-list', S, '--disk-only'], ['snapshot-list', S, '--inactive'], ['snapshot-list', S, '--active'],
  ['snapshot-list', S, '--leaves', '--name'], ['snapshot-info', S, 'off1'], ['snapshot-info', S, 'run1'], ['snapshot-dumpxml', S, 'run1', '--xpath', '//domain/devices/disk'], ['snapshot-dumpxml', S, 'off1'],
  ['snapshot-create-as', S, '--print-xml', '--disk-only', '--diskspec', 'vda,file=DIR/p.qcow2,driver=qcow2', '--memspec', 'DIR/p.mem'], ['snapshot-info', S, '--current'],
  ['snapshot-revert', S, 'run1'], ['snapshot-revert', S, 'off1', '--force'],
  ['snapshot-delete', S, 'reused', '--metadata'], ['snapshot-current', S, '--name'],
  ['domblklist', S], ['domblkinfo', S, 'vda'],
  // deleting one merges its overlays down: a commit under another overlay (vda), an active commit (vdc)
  ['snapshot-delete', S, 'run1', '--children'], ['snapshot-delete', S, 'run1', '--children-only'], ['snapshot-delete', S, 'x1'],
  ['dumpxml', S, '--xpath', '//disk'], ['dumpxml', S, '--inactive', '--xpath', '//disk'], ['snapshot-list', S, '--parent'],
  // full system snapshots: the memory in a file, the guest paused for it (or not, --live) and running again
  ['snapshot-create-as', S, 'mem1', '--memspec', 'file=DIR/mem1.save,snapshot=external', '--diskspec', 'vdb,snapshot=no'],
  ['snapshot-dumpxml', S, 'mem1', '--xpath', '/domainsnapshot/*[not(self::domain or self::inactiveDomain or self::cookie)]'],
  ['snapshot-dumpxml', S, 'mem1', '--xpath', '//domain/devices/disk | //inactiveDomain/devices/disk'],
  ['domstate', '--reason', S], ['snapshot-info', S, 'mem1'], ['snapshot-list', S, '--active', '--name'],
  ['snapshot-create-as', S, 'mem2', '--live', '--memspec', 'DIR/mem2.save', '--diskspec', 'vdb,snapshot=no', '--diskspec', 'vdc,snapshot=no'],
  ['domstate', '--reason', S], ['snapshot-delete', S, 'mem2'], ['dumpxml', S, '--xpath', '//disk/source'],
  // a disk in a block job is left alone, and no external snapshot is deleted meanwhile
  ['blockcommit', S, 'vdb', '--active'], ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vdc,snapshot=no'],
  ['snapshot-delete', S, 'mem1'], ['blockjob', S, 'vdb', '--abort'],
  // a manual disk: left to the user with the guest paused; nothing to merge it by on a delete
  ['snapshot-create-as', S, 'man1', '--disk-only', '--diskspec', 'vda,snapshot=manual', '--diskspec', 'vdc,snapshot=no'], ['domstate', '--reason', S],
  ['snapshot-dumpxml', S, 'man1', '--xpath', '/domainsnapshot/disks'], ['resume', S], ['snapshot-delete', S, 'man1'],
  ['snapshot-create-as', S, 'bad', '--disk-only', '--diskspec', 'vda,snapshot=manual', '--diskspec', 'vdb,snapshot=no', '--diskspec', 'vdc,snapshot=no'],
  // halted after the snapshot, then started again on the overlay chain
  ['snapshot-create-as', S, 'halted', '--disk-only', '--halt', '--diskspec', 'vdb,snapshot=no', '--diskspec', 'vdc,snapshot=no'],
  ['domstate', '--reason', S], ['dumpxml', S, '--xpath', '//disk'], ['start', S], ['dumpxml', S, '--xpath', '//disk'],
  ['destroy', S], ['snapshot-list', S, '--name', '--topological'],
  // shut off: qemu-img commit of the overlay into its backing image
  ['snapshot-delete', S, 'halted'], ['dumpxml', S, '--xpath', '//disk'], ['snapshot-delete', S, 'off1'], ['dumpxml', S, '--xpath', '//disk/source'],
  ['snapshot-list', S, '--parent'],
  ['define', 'DIR/net.xml'], ['snapshot-create-as', NET, 'n1', '--disk-only'], ['snapshot-create-as', NET, 'n1', '--disk-only', '--diskspec', 'vda,file=DIR/n.qcow2'],
  ['snapshot-create-as', NET, 'n1', '--disk-only', '--diskspec', 'hdc,file=DIR/n.qcow2', '--diskspec', 'vda,snapshot=no'],
  ['snapshot-create-as', NET, 'n1', '--disk-only', '--diskspec', 'vda,snapshot=no'], ['snapshot-create-as', NET, 'n1'], ['undefine', NET],
  // a transient domain: no definition to move, no halt, the metadata gone with it
  ['create', 'DIR/tr.xml'], ['snapshot-create-as', TR, 't1', '--disk-only'], ['snapshot-create-as', TR, 't2', '--disk-only', '--halt'],
  ['dumpxml', TR, '--xpath', '//disk'], ['snapshot-list', TR, '--tree'], ['snapshot-delete', TR, 't1'], ['dumpxml', TR, '--xpath', '//disk/source'],
  ['snapshot-create-as', TR, 't3', '--memspec', 'DIR/t3.save'], ['domstate', '--reason', TR], ['destroy', TR], ['create', 'DIR/tr.xml'],
  ['snapshot-list', TR, '--name'], ['destroy', TR],
];

describe.skipIf(oracleSkipped('snapshots-external-oracle'))("external snapshots beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(() => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    prepare(join(root.dir, 'lv'));
    prepare(join(root.dir, 'ts'));
  });
  afterAll(async () => {
    systemVirsh(['destroy', NAME]);
    systemVirsh(['undefine', NAME, '--snapshots-metadata']);
    systemVirsh(['undefine', NET]);
    systemVirsh(['destroy', TR]);
    await root?.cleanup();
  });

  it('gives the same answers, definitions and refusals step by step, and leaves the same chains', async () => {
    const theirs = join(root.dir, 'lv');
    const ours = join(root.dir, 'ts');
    const { differ } = await compareSteps({ uri: root.uri, theirs, ours, mask }, STEPS);
    expect(differ).toEqual([]);
    // the same files left on both sides, each image with the same chain
    const files = (dir: string): string[] => readdirSync(dir).filter((f) => !f.endsWith('.xml')).sort();
    expect(files(ours)).toEqual(files(theirs));
    for (const f of files(ours).filter((n) => !n.endsWith('.save'))) expect(chain(join(ours, f), ours)).toEqual(chain(join(theirs, f), theirs));
  }, 600_000);
});
