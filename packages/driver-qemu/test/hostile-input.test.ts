import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@tsvirt/api';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { libvirtTestCommandLine } from './conformance.js';
import { domainXml, majMin, reopen, TestRoot } from './helpers.js';

let root: TestRoot;
let conn: Connection;
const configDir = (): string => join(root.dir, 'etc', 'qemu');
const stateDir = (): string => {
  const dir = join(root.dir, 'run', 'qemu');
  mkdirSync(dir, { recursive: true });
  return dir;
};

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
});
afterEach(() => {
  delete process.env['TSVIRT_SYSFS_ROOT'];
});
afterAll(async () => {
  await root.cleanup();
});

const names = async (): Promise<string[]> => (await conn.listAllDomains()).map((d) => d.getName()).sort();

describe('a domain name never becomes a path outside the root', () => {
  it("refuses names libvirt refuses, with libvirt's words", async () => {
    await expect(conn.defineXML(domainXml('../../elsewhere/v'))).rejects.toMatchObject({ message: "XML error: name ../../elsewhere/v cannot contain '/'" });
    await expect(conn.defineXML(domainXml('a\nb'))).rejects.toMatchObject({ message: 'invalid char in name: \n' });
    await expect(conn.createXML(domainXml('x/y'))).rejects.toMatchObject({ message: "XML error: name x/y cannot contain '/'" });
  });

  it('finds nothing by a name that climbs out of the root, and touches nothing there', async () => {
    const outside = join(root.dir, 'elsewhere');
    mkdirSync(outside, { recursive: true });
    const planted = join(outside, 'v.xml');
    writeFileSync(planted, domainXml('v'));
    for (const name of ['../../elsewhere/v', '../../../elsewhere/v', '..', '.', 'x/../../../elsewhere/v']) {
      await expect(conn.lookupByName(name)).rejects.toMatchObject({ code: 42 });
    }
    expect(readFileSync(planted, 'utf8')).toBe(domainXml('v'));
  });

  it('reads no status file whose run directory lies outside the root', async () => {
    await conn.defineXML(domainXml('forged'));
    const status = { version: 2, phase: 'active', name: 'forged', uuid: 'x', id: 7, state: 1, reason: 1, pid: 4_194_305,
      runDir: '/', monitor: '/monitor.sock', xml: '', startPaused: false, persistent: true, sharedDisks: [], pendingUnplug: [],
      nextNode: 1, diskNodes: {}, fakeReboot: false };
    writeFileSync(join(stateDir(), 'forged.json'), JSON.stringify(status));
    conn = await reopen(root);
    expect(await names()).not.toContain('forged');
    await expect(conn.lookupByName('forged')).rejects.toMatchObject({ code: 42 });
    expect(existsSync('/')).toBe(true);
  });
});

describe('one unreadable file never breaks the root', () => {
  it('skips a definition that cannot be read, and lists the rest', async () => {
    await conn.defineXML(domainXml('good'));
    writeFileSync(join(configDir(), 'badvcpu.xml'), domainXml('badvcpu').replace('<vcpu>1</vcpu>', `<vcpu>${'9'.repeat(400)}</vcpu>`));
    writeFileSync(join(configDir(), 'garbage.xml'), '<domain');
    conn = await reopen(root);
    const listed = await names();
    expect(listed).toContain('good');
    expect(listed).not.toContain('badvcpu');
    expect(listed).not.toContain('garbage');
    await expect(conn.lookupByName('badvcpu')).rejects.toMatchObject({ code: 42 });
    const good = await conn.lookupByName('good');
    await good.create();
    expect(await good.isActive()).toBe(true);
    await good.destroy();
  });

  it('refuses an overflowing vcpu count at define', async () => {
    await expect(conn.defineXML(domainXml('v').replace('<vcpu>1</vcpu>', `<vcpu>${'9'.repeat(400)}</vcpu>`)))
      .rejects.toMatchObject({ message: 'XML error: maximum vcpus count must be an integer' });
  });

  it('skips a corrupt or unknown-version status file, and migrates an unversioned one', async () => {
    await conn.defineXML(domainXml('st1'));
    await conn.defineXML(domainXml('st2'));
    await conn.defineXML(domainXml('st3'));
    writeFileSync(join(stateDir(), 'st1.json'), '{"phase":');
    writeFileSync(join(stateDir(), 'st2.json'), JSON.stringify({ version: 99, phase: 'inactive', name: 'st2', reason: 2 }));
    writeFileSync(join(stateDir(), 'st3.json'), JSON.stringify({ phase: 'inactive', name: 'st3', reason: 2 }));
    conn = await reopen(root);
    const listed = await names();
    expect(listed).toEqual(expect.arrayContaining(['good', 'st3']));
    expect(listed).not.toContain('st1');
    expect(listed).not.toContain('st2');
    expect(await (await conn.lookupByName('st3')).getState()).toEqual([5, 2]);
  });
});

describe("shared lun disks", () => {
  it('gives scsi-block no write-cache, which QEMU 7.2 refuses there', async () => {
    const xml = domainXml('l1', `<disk type='block' device='lun'><source dev='/dev/null'/><target dev='sda' bus='scsi'/><shareable/></disk>`);
    const args = await libvirtTestCommandLine(parseQemuDomain(xml));
    const dev = args.find((a) => a.includes('scsi-block'))!;
    expect(JSON.parse(dev)).not.toHaveProperty('write-cache');
    expect(JSON.parse(dev)).toMatchObject({ 'share-rw': true });
  });

  it('puts unpriv_sgio back when a start fails after setting it', async () => {
    const loop = root.loop();
    const sys = join(root.dir, 'sys');
    const q = join(sys, 'dev', 'block', majMin(loop), 'queue');
    mkdirSync(q, { recursive: true });
    writeFileSync(join(q, 'unpriv_sgio'), '0\n');
    process.env['TSVIRT_SYSFS_ROOT'] = sys;
    const lun = `<disk type='block' device='lun' sgio='unfiltered'><source dev='${loop}'/><target dev='sda' bus='scsi'/><shareable/></disk>`;
    const missing = `<disk type='file' device='disk'><source file='${join(root.dir, 'missing.img')}'/><target dev='sdb' bus='scsi'/></disk>`;
    await expect(conn.createXML(domainXml('l2', lun + missing))).rejects.toThrow(/missing\.img/);
    expect(readFileSync(join(q, 'unpriv_sgio'), 'utf8').trim()).toBe('0');
    expect(await conn.listSharedDisks()).toEqual([]);
  });
});
