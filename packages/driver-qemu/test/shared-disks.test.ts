import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DomainDeviceModifyFlags, type Connection } from '@tsvirt/api';
import { domainXml, majMin, reopen, sharedDisk, statusData, TestRoot } from './helpers.js';

let root: TestRoot;
let conn: Connection;
let loop: string;

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
  loop = root.loop();
});
afterEach(async () => {
  for (const d of await conn.listAllDomains(1)) await d.destroy();
  delete process.env['TSVIRT_SYSFS_ROOT'];
});
afterAll(async () => {
  await root.cleanup();
});

/** A fake sysfs with an unpriv_sgio knob for the loop device, set to `value`. */
function fakeSysfs(value: number): string {
  const sys = join(root.dir, 'sys');
  const q = join(sys, 'dev', 'block', majMin(loop), 'queue');
  mkdirSync(q, { recursive: true });
  writeFileSync(join(q, 'unpriv_sgio'), `${value}\n`);
  process.env['TSVIRT_SYSFS_ROOT'] = sys;
  return join(q, 'unpriv_sgio');
}

describe('the shared-disk table', () => {
  it('lets two domains share one loop device (share-rw) and lists both', async () => {
    const a = await conn.createXML(domainXml('s1', sharedDisk(loop, 'sda')));
    const b = await conn.createXML(domainXml('s2', sharedDisk(loop, 'sda')));
    const table = await conn.listSharedDisks();
    expect(table).toEqual([{ key: majMin(loop), path: loop, sgio: 'n/a', domains: ['s1', 's2'] }]);
    await a.destroy();
    expect((await conn.listSharedDisks())[0]!.domains).toEqual(['s2']);
    await b.destroy();
    expect(await conn.listSharedDisks()).toEqual([]);
  });

  it('rebuilds the table after a restart from a status file of the format before the envelope', async () => {
    await conn.createXML(domainXml('m1', sharedDisk(loop, 'sda')));
    const file = join(root.dir, 'run', 'qemu', 'm1.json');
    const saved = statusData(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ version: 2, ...saved }));
    conn = await reopen(root);
    expect(await conn.listSharedDisks()).toEqual([{ key: majMin(loop), path: loop, sgio: 'n/a', domains: ['m1'] }]);
    const m1 = await conn.lookupByName('m1');
    expect(await m1.getState()).toEqual([1, 1]);
    await m1.suspend();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ tsvirt: 'qemu-domain-status', version: 1, data: { name: 'm1', pid: saved['pid'] } });
  });

  it('refuses a lun disk whose sgio conflicts with another active domain, starting nothing', async () => {
    const knob = fakeSysfs(0);
    await conn.createXML(domainXml('g1', sharedDisk(loop, 'sda')));
    const lun = `<disk type='block' device='lun' sgio='unfiltered'><source dev='${loop}'/><target dev='sda' bus='scsi'/><shareable/></disk>`;
    await expect(conn.createXML(domainXml('g2', lun))).rejects.toMatchObject({
      code: 55,
      message: `Requested operation is not valid: sgio of shared disk '${loop}' conflicts with other active domains`,
    });
    expect(root.statuses().filter((s) => s['phase'] !== 'inactive').map((s) => s['name'])).toEqual(['g1']);
    expect(readFileSync(knob, 'utf8').trim()).toBe('0');
    expect((await conn.listSharedDisks())[0]).toMatchObject({ sgio: 'filtered', domains: ['g1'] });
  });

  it('refuses unfiltered sgio where the kernel has no unpriv_sgio', async () => {
    process.env['TSVIRT_SYSFS_ROOT'] = join(root.dir, 'no-such-sys');
    const lun = `<disk type='block' device='lun' sgio='unfiltered'><source dev='${loop}'/><target dev='sda' bus='scsi'/></disk>`;
    await expect(conn.createXML(domainXml('g3', lun))).rejects.toThrow('unpriv_sgio is not supported by this kernel');
    expect(root.statuses()).toEqual([]);
  });

  it('hotplugs a shareable disk into a running domain and unplugs it again', async () => {
    const dom = await conn.createXML(domainXml('h1'));
    await dom.attachDeviceFlags(sharedDisk(loop, 'sdb'), DomainDeviceModifyFlags.LIVE);
    const block = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-block"}')).return as Array<{ qdev: string; inserted?: { file: string } }>;
    expect(block.some((b) => b.inserted?.file === loop)).toBe(true);
    // As libvirt shows a plugged disk: its node index and a chain known to end.
    expect(await dom.getXMLDesc()).toMatch(new RegExp(`<source dev='${loop}' index='\\d+'/>\\s*<backingStore/>`));
    expect((await conn.listSharedDisks())[0]!.domains).toEqual(['h1']);
    const stats = await dom.blockStats('sdb');
    expect(stats.rdReq).toBeGreaterThanOrEqual(0);
    await dom.detachDeviceFlags(sharedDisk(loop, 'sdb'), DomainDeviceModifyFlags.LIVE);
    expect(await dom.getXMLDesc()).not.toContain(loop);
    expect(await conn.listSharedDisks()).toEqual([]);
    const after = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-block"}')).return as unknown[];
    expect(after).toEqual([]);
  });

  it('leaves a virtio-blk unplug pending when the guest does not cooperate', async () => {
    const dom = await conn.createXML(domainXml('h2', sharedDisk(loop, 'vda')));
    await dom.detachDeviceFlags(sharedDisk(loop, 'vda'), DomainDeviceModifyFlags.LIVE);
    expect(root.statuses().find((s) => s['name'] === 'h2')!['pendingUnplug']).toEqual(['virtio-disk0']);
    expect(await dom.getXMLDesc()).toContain(loop);
  });

  it('rolls back a live attach QEMU refuses', async () => {
    const dom = await conn.createXML(domainXml('h3'));
    const bad = `<disk type='file' device='disk'><source file='${join(root.dir, 'missing.img')}'/><target dev='sdc' bus='scsi'/></disk>`;
    await expect(dom.attachDeviceFlags(bad, DomainDeviceModifyFlags.LIVE)).rejects.toThrow(/unable to execute QEMU command 'blockdev-add'/);
    expect(await dom.getXMLDesc()).not.toContain('missing.img');
    await dom.attachDeviceFlags(sharedDisk(loop, 'sdc'), DomainDeviceModifyFlags.LIVE);
  });
});
