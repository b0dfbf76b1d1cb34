import { statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErrorCode, StorageVolType } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, embedRootForFile, volXML } from './helpers.js';

const root = embedRootForFile();

describe('dir volumes', { timeout: 30_000 }, () => {
  it('the dir format makes a directory with the mode asked for (0755 by default); delete removes it', async () => {
    const dir = root().dir('dv');
    const pool = await root().conn.storagePoolCreateXML(dirPoolXML('dv', dir), 1);
    const plain = await pool.createXML(volXML('d1', 0, "<format type='dir'/>"));
    expect(statSync(join(dir, 'd1')).isDirectory()).toBe(true);
    expect(statSync(join(dir, 'd1')).mode & 0o777).toBe(0o755);
    expect(await plain.getInfo()).toEqual({ type: StorageVolType.DIR, capacity: 0n, allocation: 0n });
    expect(await plain.getXMLDesc()).toContain("<volume type='dir'>");
    const moded = await pool.createXML(volXML('d2', 0, "<format type='dir'/><permissions><mode>0700</mode></permissions>"));
    expect(statSync(join(dir, 'd2')).mode & 0o777).toBe(0o700);
    const again = await virErrorOf(pool.createXML(volXML('d1', 0, "<format type='dir'/>")));
    expect([again.code, again.message]).toEqual([ErrorCode.STORAGE_VOL_EXIST, "storage volume 'd1' exists already"]);
    await plain.delete();
    await moded.delete();
    expect([existsSync(join(dir, 'd1')), existsSync(join(dir, 'd2'))]).toEqual([false, false]);
    await pool.destroy();
  });
});
