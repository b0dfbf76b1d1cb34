import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainDeviceModifyFlags as F, DomainXMLFlags, type Connection, type Domain } from '@tsvirt/api';
import { domainXml, TestRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

let root: TestRoot;
let conn: Connection;
let dom: Domain;

const disk = (file: string, dev: string, alias = ''): string =>
  `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${file}'/><target dev='${dev}' bus='scsi'/>${alias}</disk>`;

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
  const [b, c] = ['b.img', 'c.img'].map((f) => join(root.dir, f));
  for (const f of [b!, c!]) writeFileSync(f, Buffer.alloc(1 << 20));
  dom = await conn.defineXML(domainXml('da1', disk(b!, 'sdb', "<alias name='ua-data'/>") + disk(c!, 'sdc')));
  await dom.create();
});
afterAll(async () => {
  await root.cleanup();
});

const blockFiles = async (): Promise<string[]> =>
  (JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-block"}')).return as Array<{ inserted?: { file: string } }>).map((b) => b.inserted?.file ?? '');

describe('detach-device-alias with real QEMU (virDomainDetachDeviceAlias)', () => {
  it('detaches a disk by its user alias live and from the definition, and one by its live alias live only', async () => {
    await dom.detachDeviceAlias('ua-data', F.LIVE | F.CONFIG);
    expect(await dom.getXMLDesc()).not.toContain('sdb');
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).not.toContain('sdb');
    expect((await blockFiles()).some((f) => f.endsWith('b.img'))).toBe(false);

    const alias = /<target dev='sdc'[^]*?<alias name='([^']+)'/.exec(await dom.getXMLDesc())![1]!;
    const r = await tsvirsh(root.uri, 'detach-device-alias', 'da1', alias, '--live');
    expect(r).toMatchObject({ code: 0, stdout: 'Device detach request sent successfully\n\n' });
    expect(await dom.getXMLDesc()).not.toContain('sdc');
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain('sdc');
    expect((await blockFiles()).some((f) => f.endsWith('c.img'))).toBe(false);
  });

  it("refuses an alias nobody has, a live alias in the definition, and other flags, in libvirt's words", async () => {
    await expect(dom.detachDeviceAlias('nosuch', F.LIVE)).rejects.toThrow('internal error: no device found with alias nosuch');
    await expect(dom.detachDeviceAlias('scsi0-0-0-2', F.CONFIG)).rejects.toThrow('internal error: no device found with alias scsi0-0-0-2');
    await expect(dom.detachDeviceAlias('nosuch', F.FORCE)).rejects.toThrow('unsupported flags (0x4) in function qemuDomainDetachDeviceAlias');
    const r = await tsvirsh(root.uri, 'detach-device-alias', 'da1', 'nosuch');
    expect(r.stderr).toContain('error: internal error: no device found with alias nosuch\n');
    await dom.destroy();
    await expect(dom.detachDeviceAlias('nosuch', F.LIVE)).rejects.toThrow('domain is not running');
  });
});
