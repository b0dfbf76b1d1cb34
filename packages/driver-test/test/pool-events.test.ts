import { describe, expect, it } from 'vitest';
import { ErrorCode, StoragePoolEventID, StoragePoolEventLifecycleType as E } from '@tsvirt/api';
import { defaultConn, virErrorOf } from './helpers.js';

const POOL_XML = "<pool type='dir'><name>t</name><target><path>/t</path></target></pool>";

describe('storage pool events', () => {
  it('raises lifecycle and refresh events as libvirt 9.0\'s test driver does (recorded with python3-libvirt)', async () => {
    const conn = await defaultConn();
    const seen: unknown[] = [];
    await conn.storagePoolEventRegisterAny(undefined, StoragePoolEventID.LIFECYCLE, (p, e, d) => seen.push(['L', p.getName(), e, d]));
    await conn.storagePoolEventRegisterAny(undefined, StoragePoolEventID.REFRESH, (p) => seen.push(['R', p.getName()]));
    const pool = await conn.storagePoolLookupByName('default-pool');
    await pool.refresh();
    await pool.destroy();
    await pool.build();
    await pool.delete();
    await pool.create();
    await pool.destroy();
    await pool.undefine();
    await (await conn.storagePoolCreateXML(POOL_XML)).destroy();
    await conn.storagePoolDefineXML(POOL_XML);
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual([
      ['R', 'default-pool'], ['L', 'default-pool', E.STOPPED, 0], ['L', 'default-pool', E.CREATED, 0], ['L', 'default-pool', E.DELETED, 0],
      ['L', 'default-pool', E.STARTED, 0], ['L', 'default-pool', E.STOPPED, 0], ['L', 'default-pool', E.UNDEFINED, 0],
      ['L', 't', E.STARTED, 0], ['L', 't', E.STOPPED, 0], ['L', 't', E.DEFINED, 0],
    ]);
  });

  it('filters by pool, stops on unregister, and refuses an unknown event id', async () => {
    const conn = await defaultConn();
    const seen: string[] = [];
    const pool = await conn.storagePoolDefineXML(POOL_XML.replace(/t</g, 'a<'));
    const other = await conn.storagePoolDefineXML(POOL_XML.replace(/t</g, 'b<'));
    const stop = await conn.storagePoolEventRegisterAny(pool, StoragePoolEventID.LIFECYCLE, (p) => seen.push(p.getName()));
    await other.create();
    await pool.create();
    await new Promise((r) => setTimeout(r, 20));
    stop();
    await pool.destroy();
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toEqual(['a']);
    const e = await virErrorOf(conn.storagePoolEventRegisterAny(undefined, 2, () => undefined));
    expect(e.code).toBe(ErrorCode.INVALID_ARG);
    expect(e.message).toBe('eventID in virConnectStoragePoolEventRegisterAny must be less than 2');
  });
});
