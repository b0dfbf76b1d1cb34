import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, StoragePoolBuildFlags, StoragePoolState } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { makeLoopDevice, openEmbedRoot, removeLoopDevice, volXML, type EmbedRoot } from './helpers.js';

let e: EmbedRoot;
/** The loop device the file system goes on, when the host lets us make one. */
let loop: string | undefined;
const mounted = (dir: string): boolean => readFileSync('/proc/mounts', 'utf8').split('\n').some((l) => l.split(' ')[1] === dir);

beforeAll(async () => {
  e = await openEmbedRoot();
  loop = makeLoopDevice(e.root, 'fs.img', 16 * 1024 * 1024);
}, 30_000);
afterAll(async () => {
  const dir = e.dir('fsmnt');
  if (mounted(dir)) execFileSync('umount', [dir]);
  removeLoopDevice(loop);
  await e.remove();
}, 30_000);

const fsPoolXML = (name: string, device: string, dir: string): string =>
  `<pool type='fs'><name>${name}</name><source><device path='${device}'/><format type='ext4'/></source><target><path>${dir}</path></target></pool>`;

describe('an fs pool on a loop device', { timeout: 60_000 }, () => {
  it('build makes the file system (NO_OVERWRITE refuses a second time), start mounts it, destroy unmounts it', async (ctx) => {
    if (!loop) {
      ctx.skip('losetup cannot make a loop device here');
      return;
    }
    const dir = e.dir('fsmnt');
    const pool = await e.conn.storagePoolDefineXML(fsPoolXML('fsp', loop, dir));
    await pool.build(StoragePoolBuildFlags.NO_OVERWRITE);
    expect(execFileSync('blkid', ['-p', '-o', 'value', '-s', 'TYPE', loop], { encoding: 'utf8' }).trim()).toBe('ext4');
    const again = await virErrorOf(pool.build(StoragePoolBuildFlags.NO_OVERWRITE));
    expect([again.code, again.message]).toEqual([ErrorCode.STORAGE_POOL_BUILT, `Storage pool already built: Device '${loop}' already formatted using 'ext4'`]);
    const clash = await virErrorOf(e.conn.storagePoolDefineXML(fsPoolXML('other', loop, e.dir('elsewhere'))));
    expect(clash.message).toBe("operation failed: Storage source conflict with pool: 'fsp'");

    await pool.create();
    expect(mounted(dir)).toBe(true);
    const info = await pool.getInfo();
    expect(info.state).toBe(StoragePoolState.RUNNING);
    expect(info.capacity > 0n && info.capacity < 16n * 1024n * 1024n).toBe(true);
    const vol = await pool.createXML(volXML('inside.raw', 1024 * 1024));
    expect(await vol.getPath()).toBe(join(dir, 'inside.raw'));

    await pool.destroy();
    expect(mounted(dir)).toBe(false);
    expect(existsSync(join(dir, 'inside.raw'))).toBe(false);
    await pool.create();
    expect((await pool.listAllVolumes()).map((v) => v.getName())).toEqual(['inside.raw', 'lost+found']);
    await pool.destroy();
    await pool.undefine();
  });
});
