import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, StorageVolType } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { embedRootForFile, loopDeviceOrSkip, removeLoopDevice } from './helpers.js';

const MiB = 1024 * 1024;
const root = embedRootForFile();
const scsiPoolXML = (name: string, adapter: string): string =>
  `<pool type='scsi'><name>${name}</name><source>${adapter}</source><target><path>/dev</path></target></pool>`;

/** Writes `text` at `path` below `base`, making its directories. */
function put(base: string, path: string, text = ''): void {
  mkdirSync(join(base, path, '..'), { recursive: true });
  writeFileSync(join(base, path), text);
}

afterEach(() => {
  delete process.env['TSVIRT_SYSFS_ROOT'];
});

describe('scsi pools: the units of a SCSI host, from sysfs (a fake tree)', { timeout: 30_000 }, () => {
  it('start rescans the host; its disks and CD drives with a block device are the volumes', async (ctx) => {
    const loop = loopDeviceOrSkip(ctx, root().root, 'lun.img', 4 * MiB);
    if (!loop) return;
    try {
      const sys = join(root().root, 'sys');
      put(sys, 'class/scsi_host/host7/scan');
      put(sys, 'bus/scsi/devices/7:0:0:0/type', '0\n');
      mkdirSync(join(sys, `bus/scsi/devices/7:0:0:0/block/${basename(loop)}`), { recursive: true });
      put(sys, 'bus/scsi/devices/7:0:1:0/type', '5\n');
      put(sys, 'bus/scsi/devices/7:0:2:0/type', '1\n');
      mkdirSync(join(sys, 'bus/scsi/devices/7:0:2:0/block/st0'), { recursive: true });
      put(sys, 'bus/scsi/devices/8:0:0:0/type', '0\n');
      mkdirSync(join(sys, 'bus/scsi/devices/8:0:0:0/block/sdz'), { recursive: true });
      const rdev = statSync(loop).rdev;
      put(sys, `dev/block/${Math.floor(rdev / 256)}:${rdev % 256}/size`, `${(4 * MiB) / 512}\n`);
      process.env['TSVIRT_SYSFS_ROOT'] = sys;

      const conn = root().conn;
      const pool = await conn.storagePoolCreateXML(scsiPoolXML('scsi', "<adapter type='scsi_host' name='host7'/>"));
      expect(readFileSync(join(sys, 'class/scsi_host/host7/scan'), 'utf8')).toBe('- - -');
      expect(await pool.listVolumes()).toEqual(['unit:0:0:0']);
      const vol = await pool.storageVolLookupByName('unit:0:0:0');
      expect([vol.getKey(), await vol.getPath()]).toEqual([loop, loop]);
      expect(await vol.getInfo()).toEqual({ type: StorageVolType.BLOCK, capacity: BigInt(4 * MiB), allocation: BigInt(4 * MiB) });
      expect(await pool.getInfo()).toMatchObject({ capacity: BigInt(4 * MiB), allocation: BigInt(4 * MiB), available: 0n });
      const create = await virErrorOf(pool.createXML('<volume><name>x</name><capacity>1</capacity></volume>'));
      expect([create.code, create.message]).toEqual([ErrorCode.NO_SUPPORT, 'this function is not supported by the connection driver: storage pool does not support volume creation']);
      await pool.refresh();
      await pool.destroy();

      // A target of stable names (as /dev/disk/by-path): a unit is named by the link to its device there.
      const byPath = `/dev/tsvirt-by-path-${process.pid}`;
      const link = join(byPath, 'pci-0000:00:07.0-scsi-0:0:0:0');
      mkdirSync(byPath);
      try {
        symlinkSync(`../${basename(loop)}`, link);
        const stable = await conn.storagePoolCreateXML(scsiPoolXML('stable', "<adapter type='scsi_host' name='host7'/>").replace('<path>/dev</path>', `<path>${byPath}</path>`));
        const unit = await stable.storageVolLookupByName('unit:0:0:0');
        expect([unit.getKey(), await unit.getPath()]).toEqual([link, link]);
        expect(await unit.getInfo()).toEqual({ type: StorageVolType.BLOCK, capacity: BigInt(4 * MiB), allocation: BigInt(4 * MiB) });
        expect((await conn.storageVolLookupByPath(link)).getName()).toBe('unit:0:0:0');
        rmSync(link);
        await stable.refresh();
        expect(await (await stable.storageVolLookupByName('unit:0:0:0')).getPath()).toBe(loop);
        await stable.destroy();
      } finally {
        rmSync(byPath, { recursive: true, force: true });
      }

      const missing = await virErrorOf(conn.storagePoolCreateXML(scsiPoolXML('gone', "<adapter type='scsi_host' name='host9'/>")));
      expect([missing.code, missing.message]).toEqual([ErrorCode.SYSTEM_ERROR,
        `Could not open '${sys}/class/scsi_host/host9/scan' to trigger host scan: No such file or directory`]);
      const badName = await virErrorOf(conn.storagePoolCreateXML(scsiPoolXML('bad', "<adapter type='scsi_host' name='scsi7'/>")));
      expect([badName.code, badName.message]).toEqual([ErrorCode.INTERNAL_ERROR, "internal error: Invalid adapter name 'scsi7' for SCSI pool"]);
      const fc = await virErrorOf(conn.storagePoolCreateXML(scsiPoolXML('fc', "<adapter type='fc_host' wwnn='20000000c9831b4b' wwpn='10000000c9831b4b'/>")));
      // No FC host in this tree (fc-host-pool.test.ts has them).
      expect([fc.code, fc.message]).toEqual([ErrorCode.XML_ERROR, "XML error: 'parent' for vHBA not specified, and cannot find one on this host"]);
      expect(await conn.listStoragePools()).toEqual([]);
    } finally {
      removeLoopDevice(loop);
    }
  });

  it('a scsi_host adapter by parent address: the host below that PCI device with that unique_id', async () => {
    const sys = join(root().root, 'sys-parentaddr');
    // Two hosts under the SATA controller 0000:00:1f.2 (unique_id 5 and 6), one under another controller with unique_id 5.
    const hosts: Array<[number, string, number]> = [[3, '0000:00:1f.2', 5], [4, '0000:00:1f.2', 6], [6, '0000:00:07.0', 5]];
    for (const [n, pci, id] of hosts) {
      const dev = `devices/pci0000:00/${pci}/ata${n}/host${n}/scsi_host/host${n}`;
      put(sys, `${dev}/scan`);
      put(sys, `${dev}/unique_id`, `${id}\n`);
      mkdirSync(join(sys, 'class/scsi_host'), { recursive: true });
      symlinkSync(`../../${dev}`, join(sys, `class/scsi_host/host${n}`));
      put(sys, `bus/scsi/devices/${n}:0:0:0/type`, '0\n');
      mkdirSync(join(sys, `bus/scsi/devices/${n}:0:0:0/block/sd${n}`), { recursive: true });
    }
    process.env['TSVIRT_SYSFS_ROOT'] = sys;
    const conn = root().conn;
    const corpus = await readFile(resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/libvirt-tests/storage-pool/in/pool-scsi-type-scsi-host-stable.xml'), 'utf8');
    const pool = await conn.storagePoolCreateXML(corpus);
    expect(readFileSync(join(sys, 'devices/pci0000:00/0000:00:1f.2/ata3/host3/scsi_host/host3/scan'), 'utf8')).toBe('- - -');
    expect(readFileSync(join(sys, 'devices/pci0000:00/0000:00:1f.2/ata4/host4/scsi_host/host4/scan'), 'utf8')).toBe('');
    expect(await pool.listVolumes()).toEqual(['unit:0:0:0']);
    expect(await (await pool.storageVolLookupByName('unit:0:0:0')).getPath()).toBe('/dev/sd3');
    // The definition keeps the address as it was written.
    expect(await pool.getXMLDesc()).toContain("<parentaddr unique_id='5'>\n        <address domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>");

    // The same storage by parent address, or by the name of the host found there, clashes.
    const byAddress = (name: string, id: number, slot = '0x1f'): string => scsiPoolXML(name,
      `<adapter type='scsi_host'><parentaddr unique_id='${id}'><address domain='0x0000' bus='0x00' slot='${slot}' function='0x2'/></parentaddr></adapter>`);
    for (const xml of [byAddress('again', 5), scsiPoolXML('named', "<adapter type='scsi_host' name='scsi_host3'/>")]) {
      const clash = await virErrorOf(conn.storagePoolCreateXML(xml));
      expect([clash.code, clash.message]).toEqual([ErrorCode.OPERATION_FAILED, "operation failed: Storage source conflict with pool: 'hba0'"]);
    }
    const other = await conn.storagePoolCreateXML(byAddress('other', 6));
    expect(await (await other.storageVolLookupByName('unit:0:0:0')).getPath()).toBe('/dev/sd4');
    await other.destroy();

    // No host there with that unique_id, or no host under that address: libvirt's words.
    for (const [xml, pci, id] of [[byAddress('noid', 7), '0000:00:1f.2', 7], [byAddress('noslot', 5, '0x1e'), '0000:00:1e.2', 5]] as const) {
      const missing = await virErrorOf(conn.storagePoolCreateXML(xml));
      expect([missing.code, missing.domain, missing.message]).toEqual([ErrorCode.XML_ERROR, ErrorDomain.NONE, `XML error: Failed to find scsi_host using PCI '${pci}' and unique_id='${id}'`]);
    }
    await pool.destroy();
    expect(await conn.listStoragePools()).toEqual([]);
  });
});
