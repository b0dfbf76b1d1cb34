import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, StorageVolType } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, makeLoopDevice, openEmbedRoot, removeLoopDevice, type EmbedRoot } from './helpers.js';

const SIZE = 8 * 1024 * 1024;
let e: EmbedRoot;
/** The loop device made for the test, when the host lets us make one (root, loop devices available). */
let loop: string | undefined;

beforeAll(async () => {
  e = await openEmbedRoot();
  loop = makeLoopDevice(e.root, 'loop.img', SIZE);
}, 30_000);
afterAll(async () => {
  removeLoopDevice(loop);
  await e.remove();
}, 30_000);

describe('a block device linked into a dir pool', { timeout: 30_000 }, () => {
  it('is a block volume reached by its real path, found by that path, and deleting it removes only the link', async (ctx) => {
    if (!loop) {
      ctx.skip('losetup cannot make a loop device here');
      return;
    }
    const dir = e.dir('blk');
    mkdirSync(dir, { recursive: true });
    symlinkSync(loop, join(dir, 'disk'));
    const pool = await e.conn.storagePoolCreateXML(dirPoolXML('blk', dir));
    const vol = await pool.storageVolLookupByName('disk');
    expect([vol.getKey(), await vol.getPath()]).toEqual([loop, loop]);
    expect(await vol.getInfo()).toEqual({ type: StorageVolType.BLOCK, capacity: BigInt(SIZE), allocation: BigInt(SIZE) });
    const xml = await vol.getXMLDesc();
    expect(xml).toContain(`<volume type='block'>\n  <name>disk</name>\n  <key>${loop}</key>\n  <capacity unit='bytes'>${SIZE}</capacity>`);
    expect(xml).toContain(`<path>${loop}</path>\n    <format type='raw'/>`);

    expect((await e.conn.storageVolLookupByPath(loop)).getName()).toBe('disk');
    expect((await e.conn.storageVolLookupByKey(loop)).getName()).toBe('disk');
    const resize = await virErrorOf(vol.resize(BigInt(2 * SIZE)));
    expect([resize.code, resize.message]).toEqual([ErrorCode.SYSTEM_ERROR, `Failed to truncate file '${loop}': Invalid argument`]);

    await vol.delete();
    expect(existsSync(join(dir, 'disk'))).toBe(false);
    expect(existsSync(loop)).toBe(true);
    await pool.destroy();
  });
});
