// Internal snapshots beside libvirt's own QEMU driver (Debian's libvirtd 9.0, qemu:///system): the
// same steps through virsh and through tsvirsh on qemu:///embed, each side on its own qcow2 image
// (directories of one length), compared byte for byte once directories and creation times are
// masked; then the snapshots each side left inside its image.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestRoot } from './helpers.js';
import { compareSteps, oracleSkipped, systemVirsh } from './oracle-steps.js';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const NAME = `tsvirt-snap-${process.pid}`;
const RAW = `tsvirt-snapraw-${process.pid}`;
const TRANSIENT = `tsvirt-snaptr-${process.pid}`;
const CHAIN = `tsvirt-chain-${process.pid}`;
let root: TestRoot;

const domain = (name: string, disks: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${disks}</devices></domain>`;
const disk = (file: string, format: string, target: string): string =>
  `<disk type='file' device='disk'><driver name='qemu' type='${format}'/><source file='${file}'/><target dev='${target}' bus='virtio'/></disk>`;

/** A qcow2 image and a raw one in `dir`, and the two domains' XML. */
function prepare(dir: string): void {
  mkdirSync(dir, { recursive: true });
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'a.qcow2'), '16M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'raw', join(dir, 'r.img'), '16M']);
  writeFileSync(join(dir, 'dom.xml'), domain(NAME, disk(join(dir, 'a.qcow2'), 'qcow2', 'vda')));
  writeFileSync(join(dir, 'raw.xml'), domain(RAW, disk(join(dir, 'r.img'), 'raw', 'vdb')));
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 't.qcow2'), '16M']);
  writeFileSync(join(dir, 'tr.xml'), domain(TRANSIENT, disk(join(dir, 't.qcow2'), 'qcow2', 'vda')));
  // base <- mid <- top, the middle one named relative to its overlay
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', join(dir, 'base.qcow2'), '16M']);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', join(dir, 'base.qcow2'), '-F', 'qcow2', join(dir, 'mid.qcow2')]);
  execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-b', 'mid.qcow2', '-F', 'qcow2', join(dir, 'top.qcow2')]);
  execFileSync('qemu-io', ['-c', 'write -P 0x11 0 1M', join(dir, 'top.qcow2')]);
  const cdrom = "<disk type='file' device='cdrom'><target dev='hdc' bus='ide'/><readonly/></disk>";
  writeFileSync(join(dir, 'chain.xml'), domain(CHAIN, disk(join(dir, 'top.qcow2'), 'qcow2', 'vda') + disk(join(dir, 'r.img'), 'raw', 'vdb') + cdrom));
}

const TIME = /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}/g;
const mask = (text: string, dir: string): string => text.replaceAll(dir, 'DIR').replace(TIME, 'TIME');

/** The snapshot tags inside an image, in qemu-img's order. */
const tags = (file: string): string[] =>
  execFileSync('qemu-img', ['snapshot', '-U', '-l', file], { encoding: 'utf8' }).split('\n').slice(2).map((l) => l.split(/\s+/)[1] ?? '').filter(Boolean);

const STEPS: string[][] = [
  ['snapshot-list', NAME], ['define', 'DIR/dom.xml'], ['snapshot-list', NAME], ['snapshot-current', NAME],
  ['snapshot-create-as', NAME, 's0', '--description', 'first'], ['snapshot-create-as', NAME, 's0'],
  ['snapshot-create-as', NAME, 'a/b'], ['snapshot-create-as', NAME, '.hidden'], ['snapshot-create-as', NAME, 's1', '--live'],
  ['snapshot-create-as', NAME, 's1', '--quiesce'], ['snapshot-create-as', NAME, 's1', '--halt'],
  ['snapshot-info', NAME, 's1'], ['snapshot-info', NAME, '--current'], ['snapshot-parent', NAME, 's1'], ['snapshot-parent', NAME, 's0'],
  ['snapshot-current', NAME, '--name'], ['snapshot-edit', NAME, 's0'], ['snapshot-edit', NAME, 's1', '--rename'],
  ['snapshot-list', NAME, '--parent'], ['snapshot-current', NAME, '--name'], ['snapshot-edit', NAME, 's9', '--clone'],
  ['snapshot-delete', NAME, 's10', '--metadata'], ['snapshot-edit', NAME, 's9', '--rename'], ['start', NAME], ['snapshot-create-as', NAME, 'r1'], ['snapshot-create-as', NAME, 'r2', '--live'],
  ['suspend', NAME], ['snapshot-create-as', NAME, 'p1'], ['resume', NAME], ['domstate', '--reason', NAME],
  ['snapshot-list', NAME], ['snapshot-list', NAME, '--tree'], ['snapshot-list', NAME, '--parent'], ['snapshot-list', NAME, '--roots'],
  ['snapshot-list', NAME, '--leaves'], ['snapshot-list', NAME, '--no-leaves'], ['snapshot-list', NAME, '--active'],
  ['snapshot-list', NAME, '--inactive'], ['snapshot-list', NAME, '--internal'], ['snapshot-list', NAME, '--external'],
  ['snapshot-list', NAME, '--current'], ['snapshot-list', NAME, '--topological'], ['snapshot-list', NAME, '--from', 's0'],
  ['snapshot-list', NAME, '--from', 's0', '--descendants', '--name'], ['snapshot-list', NAME, '--disk-only'],
  ['snapshot-list', NAME, '--metadata'], ['snapshot-list', NAME, '--no-metadata'],
  ['snapshot-info', NAME, 'r1'], ['snapshot-info', NAME, 'p1'], ['snapshot-current', NAME, '--name'],
  ['snapshot-revert', NAME, 'r1'], ['domstate', '--reason', NAME], ['snapshot-revert', NAME, 'p1'], ['domstate', '--reason', NAME],
  ['snapshot-revert', NAME, 'r1', '--paused'], ['domstate', '--reason', NAME], ['snapshot-revert', NAME, 'p1', '--running'],
  ['domstate', '--reason', NAME], ['snapshot-revert', NAME, 'r1', '--running', '--paused'], ['snapshot-revert', NAME, 'nosuch'],
  ['snapshot-current', NAME, '--name'], ['snapshot-revert', NAME, 's0'], ['domstate', '--reason', NAME],
  ['snapshot-revert', NAME, 's1', '--running'], ['domstate', '--reason', NAME], ['snapshot-revert', NAME, 's1', '--paused'],
  ['domstate', '--reason', NAME], ['snapshot-delete', NAME, 's1', '--children-only'], ['snapshot-list', NAME, '--tree'],
  ['snapshot-current', NAME, '--name'], ['snapshot-create-as', NAME, 'r3'], ['snapshot-delete', NAME, 's1', '--metadata'],
  ['snapshot-list', NAME, '--parent'], ['snapshot-delete', NAME, 's0'], ['snapshot-list', NAME, '--parent'],
  ['destroy', NAME], ['undefine', NAME], ['snapshot-delete', NAME, '--current'], ['snapshot-current', NAME, '--name'],
  ['snapshot-list', NAME, '--tree'], ['undefine', NAME, '--snapshots-metadata'], ['snapshot-list', NAME],
  ['define', 'DIR/raw.xml'], ['snapshot-create-as', RAW, 'x'], ['start', RAW], ['snapshot-create-as', RAW, 'y'],
  ['destroy', RAW], ['undefine', RAW],
  ['create', 'DIR/tr.xml'], ['snapshot-create-as', TRANSIENT, 't0', '--halt'], ['snapshot-create-as', TRANSIENT, 't1'],
  ['snapshot-revert', TRANSIENT, 't1', '--paused'], ['domstate', '--reason', TRANSIENT], ['snapshot-list', TRANSIENT, '--name'],
  ['destroy', TRANSIENT], ['create', 'DIR/tr.xml'], ['snapshot-list', TRANSIENT, '--name'], ['destroy', TRANSIENT],
];

describe.skipIf(oracleSkipped('snapshots-oracle'))("internal snapshots beside libvirt's QEMU driver (libvirtd 9.0)", () => {
  beforeAll(() => {
    execFileSync(here('../scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    root = new TestRoot();
    // snapshot-edit's editor, for both sides: s0's description changes, s1 becomes s9, s9 becomes s10.
    const editor = join(root.dir, 'editor.sh');
    writeFileSync(editor, '#!/bin/sh\nsed -i -e "s#>first<#>edited<#" -e "s#<name>s9<#<name>s10<#" -e "s#<name>s1<#<name>s9<#" "$1"\n', { mode: 0o755 });
    process.env['EDITOR'] = editor;
    process.env['VISUAL'] = editor;
    prepare(join(root.dir, 'lv'));
    prepare(join(root.dir, 'ts'));
  });
  afterAll(async () => {
    for (const n of [NAME, RAW, TRANSIENT, CHAIN]) {
      systemVirsh(['destroy', n]);
      systemVirsh(['undefine', n, '--snapshots-metadata']);
    }
    await root?.cleanup();
  });

  it('gives the same answers, listings and refusals step by step, and leaves the same snapshots in the image', async () => {
    const theirs = join(root.dir, 'lv');
    const ours = join(root.dir, 'ts');
    const { differ, transcript } = await compareSteps({ uri: root.uri, theirs, ours, mask }, STEPS);
    expect(differ).toEqual([]);
    // The editor did run: the steps compared were edits, not two alike failures.
    expect(transcript).toContain('Snapshot s0 edited.\n');
    expect(transcript).toContain('Snapshot s9 cloned to s10.\n');
    expect(tags(join(ours, 'a.qcow2'))).toEqual(tags(join(theirs, 'a.qcow2')));
  }, 600_000);

  it('shows a qcow2 chain as libvirt does: <backingStore> with indexes in the live XML, domblklist, domblkinfo', async () => {
    const theirs = join(root.dir, 'lv');
    const ours = join(root.dir, 'ts');
    const steps = [
      ['define', 'DIR/chain.xml'], ['domblkinfo', CHAIN, 'vda'], ['domblkinfo', CHAIN, '--all'], ['domblkinfo', CHAIN, 'hdc'],
      ['domblkinfo', CHAIN, 'vdz'], ['domblkinfo', CHAIN, 'DIR/r.img'], ['start', CHAIN], ['dumpxml', CHAIN, '--xpath', "//disk[@device='disk']"],
      ['domblkinfo', CHAIN, 'vda'], ['domblkinfo', CHAIN, 'DIR/r.img'], ['domblkinfo', CHAIN, '--all', '--human'],
      ['domblklist', CHAIN, '--details'], ['domblklist', CHAIN, '--inactive'], ['dumpxml', CHAIN, '--inactive', '--xpath', '//disk/source'],
      ['destroy', CHAIN], ['undefine', CHAIN],
    ];
    const { differ, transcript } = await compareSteps({ uri: root.uri, theirs, ours, mask }, steps);
    expect(differ).toEqual([]);
    // The chain was defined and started on libvirt's side: the steps compared were not two alike failures.
    expect(transcript).toContain(`Domain '${CHAIN}' started`);
  }, 300_000);
});
