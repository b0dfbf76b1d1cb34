import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainDeviceModifyFlags as F, DomainXMLFlags, type Connection, type Domain } from '@tsvirt/api';
import { domainXml, TestRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

const MAC = '52:54:00:5e:30:01';

let root: TestRoot;
let conn: Connection;
let dom: Domain;
const iso = (name: string): string => {
  const path = join(root.dir, name);
  writeFileSync(path, Buffer.alloc(64 * 1024, name));
  return path;
};

/** What QEMU has in the cdrom drive now (its query-block), by the device's id. */
async function inserted(id: string): Promise<{ file: string | undefined; trayOpen: boolean | undefined }> {
  const reply = JSON.parse(await dom.qemuMonitorCommand('{"execute":"query-block"}')) as {
    return: Array<{ qdev?: string; inserted?: { file: string }; tray_open?: boolean }>;
  };
  const drive = reply.return.find((b) => b.qdev === id || b.qdev?.includes(`/${id}/`));
  return { file: drive?.inserted?.file, trayOpen: drive?.tray_open };
}

beforeAll(async () => {
  root = new TestRoot();
  conn = await root.open();
  const a = iso('a.iso');
  dom = await conn.defineXML(domainXml('media1', `<disk type='file' device='cdrom'><driver name='qemu' type='raw'/><source file='${a}'/><target dev='hdc' bus='ide'/><readonly/></disk>
    <interface type='user'><mac address='${MAC}'/><model type='virtio'/></interface>`));
  await dom.create();
});
afterAll(async () => {
  await root.cleanup();
});

describe('change-media and domif-setlink on a running QEMU (virDomainUpdateDeviceFlags)', () => {
  it('ejects, inserts and updates the cdrom\'s media in QEMU and in the live XML', async () => {
    expect(await inserted('ide0-1-0')).toMatchObject({ file: join(root.dir, 'a.iso') });
    const ejected = await tsvirsh(root.uri, 'change-media', 'media1', 'hdc', '--eject', '--live');
    expect(ejected).toMatchObject({ code: 0, stdout: 'Successfully ejected media.\n' });
    expect((await inserted('ide0-1-0')).file).toBeUndefined();
    expect(await dom.getXMLDesc()).not.toContain('a.iso');

    const b = iso('b.iso');
    expect(await tsvirsh(root.uri, 'change-media', 'media1', 'hdc', b, '--insert')).toMatchObject({ code: 0, stdout: 'Successfully inserted media.\n' });
    expect((await inserted('ide0-1-0')).file).toBe(b);
    const c = iso('c.iso');
    expect(await tsvirsh(root.uri, 'change-media', 'media1', b, c, '--update')).toMatchObject({ code: 0, stdout: 'Successfully updated media.\n' });
    expect((await inserted('ide0-1-0')).file).toBe(c);
    expect(await dom.getXMLDesc()).toContain(`<source file='${c}'/>`);
    // The next boot keeps the media it was defined with.
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain('a.iso');
  });

  it('changes the persistent media with --config', async () => {
    const d = iso('d.iso');
    expect((await tsvirsh(root.uri, 'change-media', 'media1', 'hdc', d, '--update', '--config')).code).toBe(0);
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain(`<source file='${d}'/>`);
    expect((await inserted('ide0-1-0')).file).toBe(join(root.dir, 'c.iso'));
  });

  it('refuses what cannot change: a disk that is not removable, a missing disk, a missing medium file', async () => {
    await expect(dom.updateDeviceFlags(`<disk type='file' device='disk'><source file='/x'/><target dev='hdc' bus='ide'/></disk>`, F.LIVE))
      .rejects.toThrow("Operation not supported: cannot modify field 'device' of the disk");
    await expect(dom.updateDeviceFlags(`<disk type='file' device='cdrom'><source file='/x'/><target dev='hdd' bus='ide'/></disk>`, F.LIVE))
      .rejects.toThrow("internal error: disk 'hdd' not found");
    await expect(dom.updateDeviceFlags(`<disk type='file' device='cdrom'><source file='${join(root.dir, 'none.iso')}'/><target dev='hdc' bus='ide'/></disk>`, F.LIVE))
      .rejects.toThrow(/unable to execute QEMU command 'blockdev-change-medium'/);
    expect((await inserted('ide0-1-0')).file).toBe(join(root.dir, 'c.iso'));
    await expect(dom.updateDeviceFlags(`<controller type='usb'/>`, F.LIVE)).rejects.toThrow("update of device 'controller' is not supported");
  });

  it('domif-setlink sets the link through set_link; domif-getlink reads it back', async () => {
    expect(await tsvirsh(root.uri, 'domif-setlink', 'media1', MAC, 'down')).toMatchObject({ code: 0, stdout: 'Device updated successfully\n\n' });
    expect(await dom.getXMLDesc()).toContain("<link state='down'/>");
    expect((await tsvirsh(root.uri, 'domif-getlink', 'media1', MAC)).stdout).toBe(`${MAC} down\n`);
    expect((await tsvirsh(root.uri, 'domif-setlink', 'media1', MAC, 'up')).code).toBe(0);
    expect((await tsvirsh(root.uri, 'domif-getlink', 'media1', MAC)).stdout).toBe(`${MAC} up\n`);
    await expect(dom.updateDeviceFlags(`<interface type='user'><mac address='52:54:00:5e:30:99'/><link state='down'/></interface>`, F.LIVE))
      .rejects.toThrow('no device matching MAC address 52:54:00:5e:30:99 found');
    await expect(dom.updateDeviceFlags(`<interface type='user'><mac address='${MAC}'/><model type='e1000'/></interface>`, F.LIVE))
      .rejects.toThrow('cannot modify network device model from virtio to e1000');
  });
});
