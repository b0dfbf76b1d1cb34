import { rmSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  ErrorCode, StoragePoolEventID as ID, StoragePoolEventLifecycleType as E, connect, type Connection, type StoragePool,
} from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, embedRootForFile, volXML } from './helpers.js';

const root = embedRootForFile();
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

/** Records the events a connection hears: `name event` for lifecycle, `name refresh` for refresh. */
async function record(conn: Connection, pool?: StoragePool): Promise<{ seen: string[]; stop: () => void }> {
  const seen: string[] = [];
  const name = Object.fromEntries(Object.entries(E).map(([k, v]) => [v, k.toLowerCase()]));
  const a = await conn.storagePoolEventRegisterAny(pool, ID.LIFECYCLE, (p, event) => seen.push(`${p.getName()} ${name[event]}`));
  const b = await conn.storagePoolEventRegisterAny(pool, ID.REFRESH, (p) => seen.push(`${p.getName()} refresh`));
  return { seen, stop: () => (a(), b()) };
}

describe('storage pool events', { timeout: 30_000 }, () => {
  it('every pool change is heard by every connection of the process to the root, after the call returns', async () => {
    const other = await connect(root().uri);
    const all = await record(other);
    const conn = root().conn;
    const dir = root().dir('ev');

    const pool = await conn.storagePoolDefineXML(dirPoolXML('ev', dir));
    // Delivered after the call, never during it.
    expect(all.seen).toEqual([]);
    const only = await record(conn, pool);
    await pool.build();
    await pool.create();
    await pool.refresh();
    const vol = await pool.createXML(volXML('v', 1024));
    await vol.upload(Readable.from([Buffer.from('data')]));
    await vol.delete();
    await pool.destroy();
    await pool.delete();
    await pool.undefine();
    const t = await conn.storagePoolCreateXML(dirPoolXML('tr', root().dir('tr')), 1);
    await t.refresh();
    rmSync(root().dir('tr'), { recursive: true });
    expect((await virErrorOf(t.refresh())).code).toBe(ErrorCode.SYSTEM_ERROR);
    // A refused call raises nothing.
    await virErrorOf(pool.destroy());
    await tick();
    expect(all.seen).toEqual([
      'ev defined', 'ev created', 'ev started', 'ev refresh', 'ev refresh', 'ev stopped', 'ev deleted', 'ev undefined',
      'tr started', 'tr refresh', 'tr stopped',
    ]);
    expect(only.seen).toEqual(['ev created', 'ev started', 'ev refresh', 'ev refresh', 'ev stopped', 'ev deleted', 'ev undefined']);

    all.stop();
    only.stop();
    await conn.storagePoolDefineXML(dirPoolXML('quiet', root().dir('quiet')));
    await tick();
    expect(all.seen).toHaveLength(11);
    await other.close();
  });

  it('another root\'s events are not heard; a listener that throws does not stop the others', async () => {
    const seen: string[] = [];
    const conn = root().conn;
    await conn.storagePoolEventRegisterAny(undefined, ID.LIFECYCLE, () => {
      throw new Error('listener broke');
    });
    await conn.storagePoolEventRegisterAny(undefined, ID.LIFECYCLE, (p) => seen.push(p.getName()));
    const elsewhere = await connect(`qemu:///embed?root=${root().root}/nested`);
    await elsewhere.storagePoolDefineXML(dirPoolXML('far', root().dir('far')));
    await conn.storagePoolDefineXML(dirPoolXML('near', root().dir('near')));
    await tick();
    expect(seen).toEqual(['near']);
    await elsewhere.close();
    const bad = await virErrorOf(conn.storagePoolEventRegisterAny(undefined, 2, () => undefined));
    expect(bad.code).toBe(ErrorCode.INVALID_ARG);
  });
});
