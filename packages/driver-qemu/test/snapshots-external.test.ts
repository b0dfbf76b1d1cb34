// External snapshots with real QEMU 7.2 under TCG: the overlays' chains as qemu-img reads their
// headers, the nodes QEMU has open (`query-named-block-nodes`), guest writes landing in the
// overlay, rollback of a failed transaction, a shut-off domain started on its chain, an active
// commit back into the base, a full system snapshot's memory file, and the agent refusals of --quiesce.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DomainBlockCommitFlags, DomainBlockJobAbortFlags, DomainQemuMonitorCommandFlags as M, DomainSnapshotCreateFlags as C, DomainState, type Domain,
} from '@tsvirt/api';
import { refusal } from './refusal.js';
import { scratchRoot } from './helpers.js';

const scratch = scratchRoot();

const disk = (file: string, target: string, format = 'qcow2'): string =>
  `<disk type='file' device='disk'><driver name='qemu' type='${format}'/><source file='${file}'/><target dev='${target}' bus='virtio'/></disk>`;
const domXml = (name: string, devices: string): string => `<domain type='qemu'><name>${name}</name><memory unit='MiB'>64</memory><vcpu>1</vcpu>
  <os><type arch='x86_64' machine='pc'>hvm</type></os><devices>${devices}<memballoon model='none'/></devices></domain>`;

function image(name: string, format = 'qcow2'): string {
  const file = join(scratch.root.dir, name);
  execFileSync('qemu-img', ['create', '-q', '-f', format, file, '16M']);
  return file;
}

/** Each image of a chain from the top, with its format, as qemu-img reads the headers. */
function chainOf(file: string): string[] {
  const images = JSON.parse(execFileSync('qemu-img', ['info', '-U', '--backing-chain', '--output=json', file], { encoding: 'utf8' })) as
    Array<{ filename: string; format: string }>;
  return images.map((i) => `${i.filename}:${i.format}`);
}

/** The nodes QEMU has open: node name → file, and the backing file of each format node. */
async function blockNodes(dom: Domain): Promise<Array<{ node: string; file: string; backing: string | undefined }>> {
  const reply = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-named-block-nodes","arguments":{"flat":true}}', 0)) as {
    return: Array<{ 'node-name': string; drv: string; file: string; 'backing_file'?: string }>;
  };
  return reply.return.filter((n) => n.drv !== 'file').map((n) => ({ node: n['node-name'], file: n.file, backing: n.backing_file }));
}

const sources = async (dom: Domain, flags = 0): Promise<string[]> => [...(await dom.getXMLDesc(flags)).matchAll(/<source file='([^']+)'/g)].map((m) => m[1]!);

describe('external snapshots with real QEMU', () => {
  const conn = () => scratch.conn;
  const at = (name: string): string => join(scratch.root.dir, name);

  it('a running domain: overlays under every disk at once, QEMU writing into them, the definitions following', async () => {
    const a = image('ra.qcow2');
    const r = image('rr.img', 'raw');
    const dom = await conn().defineXML(domXml('ext-run', disk(a, 'vda') + disk(r, 'vdb', 'raw')));
    await dom.create();
    const snap = await dom.snapshotCreateXML('<domainsnapshot><name>s1</name></domainsnapshot>', C.DISK_ONLY | C.ATOMIC);
    expect(await dom.getState()).toEqual([DomainState.RUNNING, expect.any(Number)]);
    expect(chainOf(at('ra.s1'))).toEqual([`${at('ra.s1')}:qcow2`, `${a}:qcow2`]);
    expect(chainOf(at('rr.s1'))).toEqual([`${at('rr.s1')}:qcow2`, `${r}:raw`]);
    const nodes = await blockNodes(dom);
    expect(nodes).toContainEqual({ node: 'libvirt-3-format', file: at('ra.s1'), backing: a });
    expect(nodes).toContainEqual({ node: 'libvirt-4-format', file: at('rr.s1'), backing: r });
    // the guest's writes land in the overlay; the base stays as it was
    const io = async (cmd: string): Promise<string> => dom.qemuMonitorCommand(`qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "${cmd}"`, M.HMP);
    expect(await io('write -P 0x5a 0 64k')).not.toMatch(/Error|conflict/);
    await io('flush');
    execFileSync('qemu-io', ['-r', '-U', '-f', 'qcow2', '-c', 'read -P 0x5a 0 64k', at('ra.s1')]);
    execFileSync('qemu-io', ['-r', '-U', '-f', 'qcow2', '-c', 'read -P 0 0 64k', a]);
    expect(await sources(dom)).toEqual([at('ra.s1'), a, at('rr.s1'), r]);
    expect(await sources(dom, 2)).toEqual([at('ra.s1'), a, at('rr.s1'), r]);
    expect(await snap.getXMLDesc()).toMatch(/<state>disk-snapshot<\/state>[^]*<memory snapshot='no'\/>[^]*<disk name='vda' snapshot='external' type='file'>\n\s*<driver type='qcow2'\/>/);

    // an active commit with a pivot takes the disk back onto its base, data and all
    await dom.blockCommit('vda', undefined, undefined, 0n, DomainBlockCommitFlags.ACTIVE);
    for (let i = 0; i < 400; i++) {
      const info = await dom.blockJobInfo('vda', 0);
      if (info && info.end > 0n && info.cur === info.end) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await dom.blockJobAbort('vda', DomainBlockJobAbortFlags.PIVOT);
    expect((await sources(dom))[0]).toBe(a);
    await dom.destroy();
    execFileSync('qemu-io', ['-r', '-f', 'qcow2', '-c', 'read -P 0x5a 0 64k', a]);
  }, 120_000);

  it('a failed transaction leaves nothing: no overlay file, no node, no metadata, the disks as they were', async () => {
    const a = image('fa.qcow2');
    const b = image('fb.qcow2');
    const raw = image('notqcow.img', 'raw');
    const dom = await conn().createXML(domXml('ext-fail', disk(a, 'vda') + disk(b, 'vdb')), 0);
    const before = await blockNodes(dom);
    // vda's overlay opened, vdb's refused by QEMU: vda's nodes are deleted again
    const over = at('fa-over.qcow2');
    execFileSync('qemu-img', ['create', '-q', '-f', 'qcow2', '-F', 'qcow2', '-b', a, over]);
    const reuse = `<domainsnapshot><name>f</name><disks><disk name='vda'><source file='${over}'/></disk>`
      + `<disk name='vdb'><source file='${raw}'/></disk></disks></domainsnapshot>`;
    expect(await refusal(dom.snapshotCreateXML(reuse, C.DISK_ONLY | C.REUSE_EXT))).toMatch(/blockdev-add.*not in qcow2 format/);
    expect(await blockNodes(dom)).toEqual(before);
    expect(existsSync(over)).toBe(true);
    // vda's overlay made, vdb's cannot be: the one made is removed
    const made = `<domainsnapshot><name>f</name><disks><disk name='vda'/><disk name='vdb'><source file='${at('nodir/x.qcow2')}'/></disk></disks></domainsnapshot>`;
    expect(await refusal(dom.snapshotCreateXML(made, C.DISK_ONLY))).toMatch(/qemu-img/);
    expect(existsSync(at('fa.f'))).toBe(false);
    expect(await refusal(dom.snapshotCreateXML(made.replace(at('nodir/x.qcow2'), b), C.DISK_ONLY)))
      .toBe(`unsupported configuration: external snapshot file for disk vdb already exists and is not a block device: ${b}`);
    expect(await blockNodes(dom)).toEqual(before);
    expect(await sources(dom)).toEqual([a, b]);
    expect(await dom.listAllSnapshots(0)).toEqual([]);
    expect(await refusal(dom.snapshotCreateXML('<domainsnapshot/>', C.DISK_ONLY | C.QUIESCE)))
      .toBe('argument unsupported: QEMU guest agent is not configured');
    await dom.destroy();
  }, 60_000);

  it('deleting an external snapshot merges its overlay down: a commit under another overlay, an active one, and qemu-img commit when shut off', async () => {
    const a = image('da.qcow2');
    const dom = await conn().defineXML(domXml('ext-del', disk(a, 'vda')));
    await dom.create();
    const io = async (cmd: string): Promise<string> => dom.qemuMonitorCommand(`qemu-io -d /machine/peripheral/virtio-disk0/virtio-backend "${cmd}"`, M.HMP);
    const d1 = await dom.snapshotCreateXML('<domainsnapshot><name>d1</name></domainsnapshot>', C.DISK_ONLY);
    await io('write -P 0x11 0 64k');
    await dom.snapshotCreateXML('<domainsnapshot><name>d2</name></domainsnapshot>', C.DISK_ONLY);
    await io('write -P 0x22 64k 64k');
    await io('flush');
    expect(chainOf(at('da.d2'))).toEqual([`${at('da.d2')}:qcow2`, `${at('da.d1')}:qcow2`, `${a}:qcow2`]);
    expect(await refusal(d1.delete(1))).toBe('unsupported configuration: deletion of external children disk snapshots not supported');
    // d1's overlay lies under d2's: merged into the base, d2's overlay now backed by the base
    await d1.delete(0);
    expect(existsSync(at('da.d1'))).toBe(false);
    expect(chainOf(at('da.d2'))).toEqual([`${at('da.d2')}:qcow2`, `${a}:qcow2`]);
    expect((await blockNodes(dom)).some((n) => n.file === at('da.d1'))).toBe(false);
    expect(await sources(dom)).toEqual([at('da.d2'), a]);
    // d2's overlay is the active layer: an active commit, the disk back on its base
    await (await dom.snapshotLookupByName('d2')).delete(0);
    expect(await sources(dom)).toEqual([a]);
    expect(await sources(dom, 2)).toEqual([a]);
    expect(await dom.listAllSnapshots(0)).toEqual([]);
    await dom.destroy();
    execFileSync('qemu-io', ['-r', '-f', 'qcow2', '-c', 'read -P 0x11 0 64k', '-c', 'read -P 0x22 64k 64k', a]);

    // shut off: the definition's chain names the overlay, so qemu-img commits it
    await dom.create();
    await dom.snapshotCreateXML('<domainsnapshot><name>d3</name></domainsnapshot>', C.DISK_ONLY);
    await io('write -P 0x33 0 64k');
    await io('flush');
    await dom.destroy();
    await (await dom.snapshotLookupByName('d3')).delete(0);
    expect(existsSync(at('da.d3'))).toBe(false);
    expect(await sources(dom)).toEqual([a]);
    execFileSync('qemu-io', ['-r', '-f', 'qcow2', '-c', 'read -P 0x33 0 64k', a]);
  }, 120_000);

  it('an overlay on a block device: opened through host_device, the disk then of type block', async () => {
    const a = image('ba.qcow2');
    const dev = scratch.root.loop();
    const dom = await conn().createXML(domXml('ext-block', disk(a, 'vda')), 0);
    await dom.snapshotCreateXML(`<domainsnapshot><name>b1</name><disks><disk name='vda' type='block'><source dev='${dev}'/></disk></disks></domainsnapshot>`, C.DISK_ONLY);
    expect(await blockNodes(dom)).toContainEqual({ node: 'libvirt-2-format', file: dev, backing: a });
    const live = await dom.getXMLDesc(0);
    expect(live).toContain(`<disk type='block' device='disk'>`);
    expect(live).toContain(`<source dev='${dev}' index='2'/>`);
    await dom.destroy();
  }, 60_000);

  it('a shut-off domain: qemu-img overlays, the definition moved; started, QEMU runs on the chain', async () => {
    const a = image('oa.qcow2');
    const dom = await conn().defineXML(domXml('ext-off', disk(a, 'vda')));
    await dom.snapshotCreateXML('<domainsnapshot><name>o1</name></domainsnapshot>', C.DISK_ONLY);
    expect(chainOf(at('oa.o1'))).toEqual([`${at('oa.o1')}:qcow2`, `${a}:qcow2`]);
    expect(await sources(dom)).toEqual([at('oa.o1')]);
    await dom.create();
    expect(await sources(dom)).toEqual([at('oa.o1'), a]);
    expect(await blockNodes(dom)).toContainEqual({ node: 'libvirt-1-format', file: at('oa.o1'), backing: a });
    await dom.destroy();
  }, 60_000);

  it('a full system snapshot: the memory saved in a file as a save image, the disks on overlays, the guest running again or halted', async () => {
    const a = image('ma.qcow2');
    const dom = await conn().defineXML(domXml('ext-mem', disk(a, 'vda')));
    await dom.create();
    const mem = at('mem1.save');
    const snap = await dom.snapshotCreateXML(`<domainsnapshot><name>m1</name><memory snapshot='external' file='${mem}'/></domainsnapshot>`, 0);
    expect(readFileSync(mem).toString('latin1', 0, 16)).toBe('LibvirtQemudSave');
    expect((await dom.getState())[0]).toBe(DomainState.RUNNING);
    expect(await snap.getXMLDesc()).toMatch(/<state>running<\/state>[^]*<memory snapshot='external' file='[^']+mem1.save'\/>/);
    expect(chainOf(at('ma.m1'))).toEqual([`${at('ma.m1')}:qcow2`, `${a}:qcow2`]);
    const mem2 = at('mem2.save');
    await dom.snapshotCreateXML(`<domainsnapshot><name>m2</name><memory snapshot='external' file='${mem2}'/></domainsnapshot>`, C.LIVE | C.HALT);
    expect((await dom.getState())[0]).toBe(DomainState.SHUTOFF);
    expect(existsSync(mem2)).toBe(true);
  }, 120_000);
});
