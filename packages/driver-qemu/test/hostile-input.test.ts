import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '@tsvirt/api';
import { parseQemuDomain } from '../src/driver/domain-define.js';
import { qemuStore } from '../src/state/qemu-store.js';
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

  it('skips a corrupt, foreign or unknown-version status file, and migrates the formats before the envelope', async () => {
    const inactive = (name: string): object => ({ phase: 'inactive', name, reason: 2 });
    const files: Record<string, string> = {
      st1: '{"phase":',
      st2: JSON.stringify({ version: 99, ...inactive('st2') }),
      st3: JSON.stringify(inactive('st3')),
      st4: JSON.stringify({ version: 2, ...inactive('st4') }),
      st5: JSON.stringify({ tsvirt: 'lxc-domain-status', version: 1, data: inactive('st5') }),
      st6: JSON.stringify({ tsvirt: 'qemu-domain-status', version: 2, data: inactive('st6') }),
      st7: JSON.stringify({ tsvirt: 'qemu-domain-status', version: 1, data: { ...inactive('st7'), reason: '2' } }),
      st8: JSON.stringify({ tsvirt: 'qemu-domain-status', version: 1, data: inactive('other') }),
    };
    for (const [name, text] of Object.entries(files)) {
      await conn.defineXML(domainXml(name));
      writeFileSync(join(stateDir(), `${name}.json`), text);
    }
    conn = await reopen(root);
    const listed = await names();
    expect(listed).toEqual(expect.arrayContaining(['good', 'st3', 'st4']));
    for (const refused of ['st1', 'st2', 'st5', 'st6', 'st7', 'st8']) expect(listed).not.toContain(refused);
    expect(await (await conn.lookupByName('st3')).getState()).toEqual([5, 2]);
    expect(await (await conn.lookupByName('st4')).getState()).toEqual([5, 2]);
  });

  it('names the file and what is wrong with it when a status is refused', async () => {
    const dir = stateDir();
    const read = (name: string): Promise<unknown> => qemuStore({ uri: 'qemu:///embed', configDir: configDir(), stateDir: dir, libDir: dir, logDir: dir }).readStatus(name);
    await expect(read('st1')).rejects.toMatchObject({ code: 1, message: expect.stringMatching(/^internal error: invalid qemu-domain-status file '.*st1\.json': not JSON/) });
    await expect(read('st2')).rejects.toMatchObject({ message: expect.stringContaining("st2.json': migration from version 0 failed: unknown version 99") });
    await expect(read('st5')).rejects.toMatchObject({ message: expect.stringContaining("st5.json': it holds a lxc-domain-status file") });
    await expect(read('st6')).rejects.toMatchObject({ message: expect.stringContaining("st6.json': version 2 is newer than this tsvirt reads (1)") });
    await expect(read('st7')).rejects.toMatchObject({ message: expect.stringContaining("st7.json': reason: Invalid type") });
    await expect(read('st8')).rejects.toMatchObject({ message: expect.stringContaining("st8.json': it names domain 'other'") });
    await expect(read('forged')).rejects.toMatchObject({ message: expect.stringContaining("forged.json': run directory outside the root") });
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
