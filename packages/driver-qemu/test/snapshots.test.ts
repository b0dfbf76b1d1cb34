// Internal snapshots with real QEMU 7.2 under TCG: what each call leaves in the qcow2 images
// (`qemu-img snapshot -l`), in the guest (a boot sector counting in RAM, read through HMP `xp`),
// in the metadata files and in the events; the tree's listings and filters; restarts; refusals;
// and a failed create that leaves nothing behind.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DomainEventDetail, DomainEventType as E, DomainPausedReason, DomainQemuMonitorCommandFlags, DomainRunningReason, DomainShutoffReason,
  DomainSnapshotCreateFlags as C, DomainSnapshotDeleteFlags as Del, DomainSnapshotListFlags as L, DomainSnapshotRevertFlags as R,
  DomainState, DomainUndefineFlags, type Domain,
} from '@tsvirt/api';
import { refusal } from './refusal.js';
import { reopen, scratchRoot } from './helpers.js';

const scratch = scratchRoot();
const COUNTER = 0x7e00;

/** A boot sector that counts forever in the dword at 0x7e00: the guest's memory state, read back after a revert. */
function countingSector(): Buffer {
  const code = Buffer.from([
    0x31, 0xc0, 0x8e, 0xd8, // xor ax,ax; mov ds,ax
    0x66, 0xff, 0x06, COUNTER & 0xff, COUNTER >> 8, // loop: inc dword [0x7e00]
    0xeb, 0xf9, // jmp loop
  ]);
  return Buffer.concat([code, Buffer.alloc(510 - code.length), Buffer.from([0x55, 0xaa])]);
}

/** A qcow2 image that boots the counting sector. */
function bootImage(dir: string, name: string): string {
  const raw = join(dir, `${name}.raw`);
  writeFileSync(raw, countingSector());
  execFileSync('truncate', ['-s', '16M', raw]);
  const file = join(dir, `${name}.qcow2`);
  execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, file]);
  return file;
}

const disk = (file: string, target: string, format = 'qcow2'): string =>
  `<disk type='file' device='disk'><driver name='qemu' type='${format}'/><source file='${file}'/><target dev='${target}' bus='virtio'/></disk>`;
const domXml = (name: string, disks: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${disks}</devices></domain>`;

/** The snapshot tags inside an image. */
const tags = (file: string): string[] =>
  execFileSync('qemu-img', ['snapshot', '-U', '-l', file], { encoding: 'utf8' }).split('\n').slice(2).map((l) => l.split(/\s+/)[1] ?? '').filter(Boolean);

/** The guest's counter, read through HMP `xp` (the guest should be paused for an exact value). */
async function counter(dom: Domain): Promise<number> {
  const out = await dom.qemuMonitorCommand(`xp /1wx ${COUNTER}`, DomainQemuMonitorCommandFlags.HMP);
  return Number(/: (0x[0-9a-f]+)/.exec(out)![1]);
}

async function until(what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const names = async (dom: Domain, flags = 0): Promise<string[]> => (await dom.listAllSnapshots(flags)).map((s) => s.getName()).sort();

describe('internal snapshots with real QEMU', () => {
  const conn = () => scratch.conn;
  const dir = () => scratch.root.dir;

  it('a shut-off domain: qemu-img snapshot -c on each qcow2 disk, metadata in libvirt\'s files, current and parent', async () => {
    const a = bootImage(dir(), 'off-a');
    const b = bootImage(dir(), 'off-b');
    const dom = await conn().defineXML(domXml('snap-off', disk(a, 'vda') + disk(b, 'vdb')));
    const s0 = await dom.snapshotCreateXML('<domainsnapshot><name>s0</name><description>first</description></domainsnapshot>');
    const s1 = await dom.snapshotCreateXML('<domainsnapshot/>');
    expect(tags(a)).toEqual(['s0', s1.getName()]);
    expect(tags(b)).toEqual(['s0', s1.getName()]);
    expect(s1.getName()).toMatch(/^\d+$/);
    const xml = await s0.getXMLDesc();
    expect(xml).toContain('<description>first</description>\n  <state>shutoff</state>');
    expect(xml).toContain("<memory snapshot='no'/>\n  <disks>\n    <disk name='vda' snapshot='internal'/>\n    <disk name='vdb' snapshot='internal'/>\n  </disks>");
    expect((await s1.getParent()).getName()).toBe('s0');
    expect((await dom.snapshotCurrent()).getName()).toBe(s1.getName());
    // libvirt's files: a header, the definition, <active> marking the current one.
    const file = (n: string): string => readFileSync(join(dir(), 'lib', 'qemu', 'snapshot', 'snap-off', `${n}.xml`), 'utf8');
    expect(file('s0')).toMatch(/^<!--\nWARNING: THIS IS AN AUTO-GENERATED FILE[^]*<active>0<\/active>\n<\/domainsnapshot>\n$/);
    expect(file(s1.getName())).toContain('<active>1</active>');
    // Another managing process reads the same tree.
    const again = await (await reopen(scratch.root)).lookupByName('snap-off');
    expect((await again.snapshotCurrent()).getName()).toBe(s1.getName());
    expect(await names(again)).toEqual(['s0', s1.getName()].sort());
    await again.snapshotLookupByName(s1.getName()).then((s) => s.delete());
    expect(tags(a)).toEqual(['s0']);
    expect((await again.snapshotCurrent()).getName()).toBe('s0');
    expect(await refusal(again.undefine())).toBe('Requested operation is not valid: cannot delete inactive domain with 1 snapshots');
    await again.undefine(DomainUndefineFlags.SNAPSHOTS_METADATA);
    expect(existsSync(join(dir(), 'lib', 'qemu', 'snapshot', 'snap-off'))).toBe(false);
    expect(tags(a)).toEqual(['s0']);
  });

  it('a running guest: savevm keeps it running; a revert restores its memory, paused or running as asked, with libvirt\'s events', async () => {
    const a = bootImage(dir(), 'run');
    const dom = await conn().defineXML(domXml('snap-run', disk(a, 'vda')));
    await dom.create();
    await until('the guest counting', async () => (await counter(dom)) > 1000);
    const r1 = await dom.snapshotCreateXML('<domainsnapshot><name>r1</name></domainsnapshot>');
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.BOOTED]);
    expect(tags(a)).toEqual(['r1']);
    expect(await r1.getXMLDesc()).toMatch(/<state>running<\/state>[^]*<memory snapshot='internal'\/>[^]*<domain type='qemu'>[^]*<inactiveDomain type='qemu'>/);

    await dom.suspend();
    const atSnapshot = await counter(dom);
    const p1 = await dom.snapshotCreateXML('<domainsnapshot><name>p1</name></domainsnapshot>');
    expect((await p1.getParent()).getName()).toBe('r1');
    expect(await dom.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.USER]);
    await dom.resume();
    await until('the guest counting on', async () => (await counter(dom)) > atSnapshot + 1000);
    await dom.suspend();
    expect(await counter(dom)).toBeGreaterThan(atSnapshot);

    const seen: Array<[number, number]> = [];
    const off = await conn().domainEventRegisterAny(dom, 0, (_d, e) => e.eventID === 0 && seen.push([e.event, e.detail]));
    await p1.revert();
    expect(await dom.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.FROM_SNAPSHOT]);
    expect(await counter(dom)).toBe(atSnapshot);
    await until('the events', async () => seen.length >= 4);
    off();
    const F = DomainEventDetail;
    expect(seen).toEqual([
      [E.STOPPED, F.STOPPED.FROM_SNAPSHOT], [E.DEFINED, F.DEFINED.FROM_SNAPSHOT], [E.STARTED, F.STARTED.FROM_SNAPSHOT],
      [E.SUSPENDED, F.SUSPENDED.FROM_SNAPSHOT],
    ]);
    await p1.revert(R.RUNNING);
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.FROM_SNAPSHOT]);
    await r1.revert(R.PAUSED);
    expect(await dom.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.FROM_SNAPSHOT]);
    expect(await counter(dom)).toBeLessThan(atSnapshot);
    expect((await dom.snapshotCurrent()).getName()).toBe('r1');

    // --halt: the guest stops once its state is in the image.
    await dom.resume();
    await dom.snapshotCreateXML('<domainsnapshot><name>h1</name></domainsnapshot>', C.HALT);
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.FROM_SNAPSHOT]);
    expect(tags(a)).toEqual(['r1', 'p1', 'h1']);
    // Reverting a shut-off domain to a running snapshot starts it from that state.
    await dom.snapshotLookupByName('h1').then((s) => s.revert());
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.FROM_SNAPSHOT]);
    // Deleting while it runs goes through QEMU (delvm).
    await r1.delete(Del.CHILDREN);
    expect(tags(a)).toEqual([]);
    expect(await names(dom)).toEqual([]);
    expect(await dom.hasCurrentSnapshot()).toBe(false);
    await dom.destroy();
  });

  it('a shut-off snapshot: a revert stops the guest, applies the images (qemu-img snapshot -a), starts only when asked', async () => {
    const a = bootImage(dir(), 'apply');
    const dom = await conn().defineXML(domXml('snap-apply', disk(a, 'vda')));
    const s0 = await dom.snapshotCreateXML('<domainsnapshot><name>s0</name></domainsnapshot>');
    execFileSync('qemu-io', ['-c', 'write -P 0x5a 0 64k', a]);
    await dom.create();
    await s0.revert();
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, DomainShutoffReason.FROM_SNAPSHOT]);
    // The boot sector is back: the write after the snapshot is gone.
    expect(execFileSync('qemu-io', ['-c', 'read -P 0x31 0 1', a], { encoding: 'utf8' })).not.toContain('Pattern verification failed');
    await s0.revert(R.PAUSED);
    expect(await dom.getState()).toEqual([DomainState.PAUSED, DomainPausedReason.USER]);
    await s0.revert(R.RUNNING);
    expect(await dom.getState()).toEqual([DomainState.RUNNING, DomainRunningReason.BOOTED]);
    await dom.destroy();
    await s0.delete(Del.METADATA_ONLY);
    expect(tags(a)).toEqual(['s0']);
    expect(await dom.hasCurrentSnapshot()).toBe(false);
    await dom.undefine();
  });

  it('the tree: children move up on delete, --children and --children-only, filters, and REDEFINE as snapshot-edit uses it', async () => {
    const a = bootImage(dir(), 'tree');
    const dom = await conn().defineXML(domXml('snap-tree', disk(a, 'vda')));
    for (const n of ['t0', 't1', 't2']) await dom.snapshotCreateXML(`<domainsnapshot><name>${n}</name></domainsnapshot>`);
    await (await dom.snapshotLookupByName('t0')).revert();
    await dom.snapshotCreateXML('<domainsnapshot><name>t3</name></domainsnapshot>');
    expect(await names(dom, L.ROOTS)).toEqual(['t0']);
    expect(await names(dom, L.LEAVES)).toEqual(['t2', 't3']);
    expect(await names(dom, L.NO_LEAVES)).toEqual(['t0', 't1']);
    expect(await names(dom, L.INACTIVE | L.INTERNAL)).toEqual(['t0', 't1', 't2', 't3']);
    expect(await names(dom, L.ACTIVE)).toEqual([]);
    expect(await names(dom, L.EXTERNAL)).toEqual([]);
    const t0 = await dom.snapshotLookupByName('t0');
    expect((await t0.listAllChildren()).map((s) => s.getName()).sort()).toEqual(['t1', 't3']);
    expect((await t0.listAllChildren(L.DESCENDANTS)).map((s) => s.getName()).sort()).toEqual(['t1', 't2', 't3']);
    // REDEFINE: the edited description is kept, the tree and images untouched.
    const edited = (await t0.getXMLDesc()).replace('<state>', '<description>edited</description>\n  <state>');
    await dom.snapshotCreateXML(edited, C.REDEFINE);
    expect(await t0.getXMLDesc()).toContain('<description>edited</description>');
    expect((await dom.snapshotCurrent()).getName()).toBe('t3');
    expect(await refusal(dom.snapshotCreateXML(edited.replace('<name>t0</name>', '<name>t9</name>').replace(/<domain [^]*<\/domain>\n/, '')
      .replace('</creationTime>', '</creationTime>\n  <parent><name>nosuch</name></parent>'), C.REDEFINE)))
      .toBe('invalid argument: parent nosuch for moment t9 not found');
    await (await dom.snapshotLookupByName('t1')).delete();
    expect((await dom.snapshotLookupByName('t2').then((s) => s.getParent())).getName()).toBe('t0');
    await t0.delete(Del.CHILDREN_ONLY);
    expect(await names(dom)).toEqual(['t0']);
    expect((await dom.snapshotCurrent()).getName()).toBe('t0');
    expect(tags(a)).toEqual(['t0']);
    await t0.delete(Del.CHILDREN);
    expect(tags(a)).toEqual([]);
    await dom.undefine();
  });

  it('refusals in libvirt\'s words; a failed create leaves no snapshot in any image and no metadata', async () => {
    const a = bootImage(dir(), 'ref');
    const raw = join(dir(), 'ref.img');
    execFileSync('qemu-img', ['create', '-q', '-f', 'raw', raw, '8M']);
    const rawDom = await conn().defineXML(domXml('snap-raw', disk(a, 'vda') + disk(raw, 'vdb', 'raw')));
    expect(await refusal(rawDom.snapshotCreateXML('<domainsnapshot/>')))
      .toBe('unsupported configuration: internal snapshot for disk vdb unsupported for storage type raw');
    // As libvirtd 9.0 answers it: an internal snapshot's disks may not choose another mode.
    expect(await refusal(rawDom.snapshotCreateXML("<domainsnapshot><disks><disk name='vdb' snapshot='no'/></disks></domainsnapshot>")))
      .toBe("unsupported configuration: disk 'vdb' must use snapshot mode 'internal'");
    expect(await refusal(rawDom.snapshotCreateXML("<domainsnapshot><disks><disk name='vdz'/></disks></domainsnapshot>")))
      .toBe("unsupported configuration: no disk named 'vdz'");
    expect(await refusal(rawDom.snapshotCreateXML('<domainsnapshot/>', C.LIVE)))
      .toBe('Operation not supported: live snapshot creation is supported only during full system snapshots');
    await rawDom.undefine();

    const missing = join(dir(), 'missing.qcow2');
    const dom = await conn().defineXML(domXml('snap-fail', disk(a, 'vda') + disk(missing, 'vdb')));
    expect(await refusal(dom.snapshotCreateXML('<domainsnapshot><name>f</name></domainsnapshot>'))).toContain(`qemu-img snapshot -c f ${missing}`);
    expect(tags(a)).toEqual([]);
    expect(await names(dom)).toEqual([]);
    expect(existsSync(join(dir(), 'lib', 'qemu', 'snapshot', 'snap-fail', 'f.xml'))).toBe(false);
    await dom.undefine();

    const transient = await conn().createXML(domXml('snap-transient', disk(a, 'vda')), 0);
    expect(await refusal(transient.snapshotCreateXML('<domainsnapshot/>', C.HALT)))
      .toBe('Requested operation is not valid: cannot halt after transient domain snapshot');
    await transient.destroy();
  });
});
