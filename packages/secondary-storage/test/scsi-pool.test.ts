import { mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode, StorageVolType } from '@tsvirt/api';
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
});
