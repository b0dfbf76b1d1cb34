import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ErrorCode, StoragePoolBuildFlags } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { hasDeviceMapper } from '../src/logical/logical-backend.js';
import { lvcreateArgs, lvremoveArgs, lvresizeArgs, lvsArgs, parseLvs, parsePvs, parseVgs, vgsArgs } from '../src/logical/lvm.js';
import { embedRootForFile, loopDeviceOrSkip, removeLoopDevice, volXML } from './helpers.js';

const MiB = 1024 * 1024;
const root = embedRootForFile();
const VG = `tsvirtvg${process.pid}`;
const logicalPoolXML = (name: string, vg: string, devices: readonly string[]): string =>
  `<pool type='logical'><name>${name}</name><source>${devices.map((d) => `<device path='${d}'/>`).join('')}<name>${vg}</name></source></pool>`;
const blkidType = (dev: string): string =>
  execFileSync('blkid', ['-p', '-o', 'value', '-s', 'TYPE', dev], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

describe('LVM command lines and output, as libvirt\'s logical backend uses them', () => {
  it('lvcreate: a plain volume, a thin snapshot where allocation differs, a snapshot of a backing volume', () => {
    const lv = { name: 'lv1', capacity: 10n * BigInt(MiB), allocation: 10n * BigInt(MiB) };
    expect(lvcreateArgs('vg', lv)).toEqual(['--name', 'lv1', '-L', '10240K', 'vg']);
    expect(lvcreateArgs('vg', { ...lv, allocation: 0n })).toEqual(['--name', 'lv1', '-L', '1K', '--type', 'snapshot', '--virtualsize', '10240K', 'vg']);
    expect(lvcreateArgs('vg', { ...lv, capacity: 1025n, allocation: 1025n, backingPath: '/dev/vg/base' })).toEqual(['--name', 'lv1', '-L', '2K', '-s', '/dev/vg/base']);
    expect(lvremoveArgs('/dev/vg/lv1')).toEqual(['-f', '/dev/vg/lv1']);
    expect(lvresizeArgs('/dev/vg/lv1', 20n * BigInt(MiB) + 1n)).toEqual(['--size', '20481K', '/dev/vg/lv1']);
    expect(vgsArgs('vg')).toEqual(['--separator', ':', '--noheadings', '--units', 'b', '--unbuffered', '--nosuffix', '--options', 'vg_size,vg_free', 'vg']);
    expect(lvsArgs('vg').slice(-2)).toEqual(['lv_name,origin,uuid,devices,segtype,stripes,seg_size,vg_extent_size,size,lv_attr', 'vg']);
  });

  it('parses vgs, lvs (segments joined, striped devices split) and pvs', () => {
    expect(parseVgs('  62914560:58720256\n')).toEqual({ capacity: 62914560n, available: 58720256n });
    expect(() => parseVgs('garbage')).toThrow(/cannot parse vgs output/);
    const lvs = [
      '  root##Aa1-uuid#/dev/sda2(0)#linear#1#4194304#4194304#8388608#-wi-ao----',
      '  root##Aa1-uuid#/dev/sdb1(0)#linear#1#4194304#4194304#8388608#-wi-ao----',
      '  snap#root#Bb2-uuid#/dev/sda2(1)#snapshot#1#1048576#4194304#1048576#swi-a-s---',
      '  wide##Cc3-uuid#/dev/sdc(0),/dev/sdd(0)#striped#2#8388608#4194304#8388608#-wi-a-----',
    ].join('\n');
    expect(parseLvs(lvs)).toEqual([
      { name: 'root', uuid: 'Aa1-uuid', devices: ['/dev/sda2', '/dev/sdb1'], size: 8388608n, attr: '-wi-ao----' },
      { name: 'snap', uuid: 'Bb2-uuid', origin: 'root', devices: ['/dev/sda2'], size: 1048576n, attr: 'swi-a-s---' },
      { name: 'wide', uuid: 'Cc3-uuid', devices: ['/dev/sdc', '/dev/sdd'], size: 8388608n, attr: '-wi-a-----' },
    ]);
    expect(() => parseLvs('a#b')).toThrow(/cannot parse lvs output/);
    expect([...parsePvs('  /dev/sda2 vg0\n  /dev/sdb1 vg0\n  /dev/sdc   \n  /dev/sdd data\n')]).toEqual([['vg0', ['/dev/sda2', '/dev/sdb1']], ['data', ['/dev/sdd']]]);
  });
});

describe('logical pools on a loop device', { timeout: 60_000 }, () => {
  it('build (pvcreate, vgcreate), discovery (pvs), start where the kernel allows, delete (vgremove, pvremove)', async (ctx) => {
    const loop = loopDeviceOrSkip(ctx, root().root, 'pv.img', 64 * MiB);
    if (!loop) return;
    const conn = root().conn;
    try {
      const pool = await conn.storagePoolDefineXML(logicalPoolXML('lvm', VG, [loop]));
      expect(await pool.getXMLDesc()).toContain(`<path>/dev/${VG}</path>`);
      await pool.build();
      expect(blkidType(loop)).toBe('LVM2_member');
      const sources = await conn.findStoragePoolSources('logical');
      expect(sources).toContain(`  <source>\n    <device path='${loop}'/>\n    <name>${VG}</name>\n    <format type='lvm2'/>\n  </source>\n`);
      const again = await virErrorOf(pool.build(StoragePoolBuildFlags.NO_OVERWRITE));
      expect(again.message).toBe(`Storage pool already built: Device '${loop}' already formatted using 'LVM2_member'`);

      if (await hasDeviceMapper()) {
        await pool.create();
        const vol = await pool.createXML(volXML('lv1', 4 * MiB));
        expect(await vol.getPath()).toBe(`/dev/${VG}/lv1`);
        expect((await pool.getInfo()).capacity).toBeGreaterThan(0n);
        await vol.delete();
        await pool.destroy();
      } else {
        const start = await virErrorOf(pool.create());
        expect([start.code, start.message]).toEqual([ErrorCode.OPERATION_UNSUPPORTED,
          `Operation not supported: cannot start logical pool 'lvm': the kernel has no device-mapper driver (none in /proc/misc)`]);
        expect(await pool.isActive()).toBe(false);
      }
      await pool.delete();
      expect(() => blkidType(loop)).toThrow();
      const after = await conn.findStoragePoolSources('logical');
      expect(after).not.toContain(VG);
      // libvirt writes an empty list open and closed (this host may have volume groups of its own).
      if (!after.includes('<source>')) expect(after).toBe('<sources>\n</sources>\n');
      const gone = await virErrorOf(pool.delete());
      expect(gone.code).toBe(ErrorCode.INTERNAL_ERROR);
      await pool.undefine();
    } finally {
      // A test that failed half-way leaves no volume group behind on the loop device.
      spawnSync('vgremove', ['-f', VG], { stdio: 'ignore' });
      removeLoopDevice(loop);
    }
  });
});
