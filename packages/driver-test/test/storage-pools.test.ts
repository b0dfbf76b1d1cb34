import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, ListStoragePoolsFlags as F, StoragePoolState, connect, type Connection } from '@tsvirt/api';
import { TESTNODE_XML, defaultConn, virErrorOf } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsvirt-pools-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
let files = 0;

/** A host of its own: a config with no domains, so each test starts from libvirt's empty state. */
async function freshConn(inner = ''): Promise<Connection> {
  const path = join(tmp, `node${++files}.xml`);
  writeFileSync(path, `<node>${inner}</node>`);
  return connect(`test://${path}`);
}

const poolXML = (name: string, uuid: string, path = `/pools/${name}`, type = 'dir'): string =>
  `<pool type='${type}'><name>${name}</name><uuid>${uuid}</uuid><target><path>${path}</path></target></pool>`;
const U1 = '11111111-2222-3333-4444-555555555555';
const U2 = '11111111-2222-3333-4444-666666666666';
const GiB100 = 107374182400n;

describe('test:///default storage pools', () => {
  it('has default-pool, running, persistent, 100 GiB free, with libvirt 9.0\'s XML', async () => {
    const conn = await defaultConn();
    const pool = await conn.storagePoolLookupByName('default-pool');
    expect(pool.getUUIDString()).toBe('dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566');
    // python3-libvirt 9.0: info() == [2, 107374182400, 0, 107374182400]
    expect(await pool.getInfo()).toEqual({ state: StoragePoolState.RUNNING, capacity: GiB100, allocation: 0n, available: GiB100 });
    expect(await pool.isPersistent()).toBe(true);
    expect(await pool.getAutostart()).toBe(false);
    expect(await pool.getXMLDesc()).toBe(`<pool type='dir'>
  <name>default-pool</name>
  <uuid>dfe224cb-28fb-8dd0-c4b2-64eb3f0f4566</uuid>
  <capacity unit='bytes'>107374182400</capacity>
  <allocation unit='bytes'>0</allocation>
  <available unit='bytes'>107374182400</available>
  <source>
  </source>
  <target>
    <path>/default-pool</path>
  </target>
</pool>
`);
  });
});

describe('pool lifecycle', () => {
  it('define, start, destroy, undefine with libvirt\'s errors for each wrong transition', async () => {
    const conn = await freshConn();
    const pool = await conn.storagePoolDefineXML(poolXML('p1', U1));
    expect(await pool.isActive()).toBe(false);
    expect((await pool.getInfo()).state).toBe(StoragePoolState.INACTIVE);
    const inactive = "Requested operation is not valid: storage pool 'p1' is not active";
    for (const call of [() => pool.destroy(), () => pool.refresh(), () => pool.listAllVolumes(), () => pool.numOfVolumes()]) {
      const e = await virErrorOf(call);
      expect(e.code).toBe(ErrorCode.OPERATION_INVALID);
    }
    expect((await virErrorOf(pool.destroy())).message).toBe(inactive);
    expect((await virErrorOf(pool.listAllVolumes())).message).toBe('Requested operation is not valid: storage pool is not active');
    await pool.build();
    await pool.delete();
    await pool.create();
    const active = "Requested operation is not valid: storage pool 'p1' is active";
    for (const call of [() => pool.create(), () => pool.build(), () => pool.delete(), () => pool.undefine()]) {
      expect((await virErrorOf(call)).message).toBe(active);
    }
    await pool.refresh();
    await pool.destroy();
    await pool.undefine();
    const gone = await virErrorOf(pool.getInfo());
    expect([gone.code, gone.domain, gone.message]).toEqual([ErrorCode.NO_STORAGE_POOL, ErrorDomain.TEST,
      "Storage pool not found: no storage pool with matching name 'p1'"]);
  });

  it('refuses flags the test driver does not take, naming its function', async () => {
    const conn = await freshConn();
    const pool = await conn.storagePoolDefineXML(poolXML('p1', U1));
    expect((await virErrorOf(pool.build(4))).message).toBe('unsupported flags (0x4) in function testStoragePoolBuild');
    expect((await virErrorOf(pool.create(1))).message).toBe('unsupported flags (0x1) in function testStoragePoolCreate');
    expect((await virErrorOf(pool.getXMLDesc(1))).message).toBe('unsupported flags (0x1) in function testStoragePoolGetXMLDesc');
    expect((await virErrorOf(conn.storagePoolCreateXML(poolXML('p2', U2), 1))).message)
      .toBe('unsupported flags (0x1) in function testStoragePoolCreateXML');
  });

  it('a pool created from XML is transient: it goes away when destroyed and has no autostart', async () => {
    const conn = await freshConn();
    const pool = await conn.storagePoolCreateXML(poolXML('t1', U1));
    expect([await pool.isActive(), await pool.isPersistent()]).toEqual([true, false]);
    expect((await virErrorOf(pool.setAutostart(true))).message).toBe('invalid argument: pool has no config file');
    expect((await virErrorOf(pool.undefine())).message).toBe("Requested operation is not valid: storage pool 't1' is active");
    await pool.destroy();
    expect((await virErrorOf(conn.storagePoolLookupByName('t1'))).code).toBe(ErrorCode.NO_STORAGE_POOL);
  });

  it('createXML over a defined, stopped pool starts it as a transient pool', async () => {
    const conn = await freshConn();
    await conn.storagePoolDefineXML(poolXML('p1', U1));
    const pool = await conn.storagePoolCreateXML(poolXML('p1', U1));
    expect(await pool.isPersistent()).toBe(false);
    expect((await virErrorOf(conn.storagePoolCreateXML(poolXML('p1', U1)))).message)
      .toBe("Requested operation is not valid: pool is already active as 'p1'");
  });

  it('duplicates: name with another uuid, uuid with another name, the same storage twice', async () => {
    const conn = await freshConn();
    await conn.storagePoolDefineXML(poolXML('p1', U1));
    const dupName = await virErrorOf(conn.storagePoolDefineXML(poolXML('p1', U2, '/other')));
    expect([dupName.code, dupName.domain, dupName.message]).toEqual([ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
      `operation failed: pool 'p1' already exists with uuid ${U1}`]);
    expect((await virErrorOf(conn.storagePoolDefineXML(poolXML('p9', U1, '/other')))).message)
      .toBe(`operation failed: pool 'p1' is already defined with uuid ${U1}`);
    expect((await virErrorOf(conn.storagePoolDefineXML(poolXML('p9', U1, '/pools/p1')))).message)
      .toBe("operation failed: Storage source conflict with pool: 'p1'");
    // Redefining the same pool is fine.
    await conn.storagePoolDefineXML(poolXML('p1', U1, '/elsewhere'));
  });

  it('autostart, list filters and the old listing calls', async () => {
    const conn = await freshConn();
    const p1 = await conn.storagePoolDefineXML(poolXML('p1', U1));
    const t1 = await conn.storagePoolCreateXML(poolXML('t1', U2, '/t1', 'dir'));
    await p1.setAutostart(true);
    const names = async (flags: number) => (await conn.listAllStoragePools(flags)).map((p) => p.getName()).sort();
    expect(await names(0)).toEqual(['p1', 't1']);
    expect(await names(F.ACTIVE)).toEqual(['t1']);
    expect(await names(F.INACTIVE | F.AUTOSTART)).toEqual(['p1']);
    expect(await names(F.TRANSIENT)).toEqual(['t1']);
    expect(await names(F.FS | F.NETFS)).toEqual([]);
    expect(await names(F.DIR | F.PERSISTENT)).toEqual(['p1']);
    expect((await virErrorOf(conn.listAllStoragePools(1 << 30))).message)
      .toBe('unsupported flags (0x40000000) in function testConnectListAllStoragePools');
    expect([await conn.numOfStoragePools(), await conn.listStoragePools()]).toEqual([1, ['t1']]);
    expect([await conn.numOfDefinedStoragePools(), await conn.listDefinedStoragePools()]).toEqual([1, ['p1']]);
    expect(await t1.getAutostart()).toBe(false);
  });

  it('lookups by uuid, with libvirt\'s messages for unknown and malformed uuids', async () => {
    const conn = await defaultConn();
    expect((await conn.storagePoolLookupByUUIDString('dfe224cb28fb8dd0c4b264eb3f0f4566')).getName()).toBe('default-pool');
    expect((await virErrorOf(conn.storagePoolLookupByUUIDString(U1))).message)
      .toBe(`Storage pool not found: no storage pool with matching uuid '${U1}'`);
    const bad = await virErrorOf(conn.storagePoolLookupByUUIDString('bad'));
    expect([bad.code, bad.message]).toEqual([ErrorCode.INVALID_ARG, 'uuidstr in virStoragePoolLookupByUUIDString must be a valid UUID']);
  });
});

describe('pool definitions', () => {
  const defineError = async (xml: string) => (await virErrorOf((await freshConn()).storagePoolDefineXML(xml))).message;

  it('refuses what libvirt\'s pool parser refuses, with its words', async () => {
    expect(await defineError("<pool type='bogus'><name>p</name></pool>"))
      .toBe("XML error: Invalid value for attribute 'type' in element 'pool': 'bogus'.");
    expect(await defineError('<pool><name>p</name></pool>')).toBe("XML error: Missing required attribute 'type' in element 'pool'");
    expect(await defineError("<pool type='dir'><target><path>/x</path></target></pool>")).toBe('XML error: missing pool source name element');
    expect(await defineError("<pool type='dir'><name>p</name></pool>")).toBe('XML error: missing storage pool target path');
    expect(await defineError("<pool type='netfs'><name>p</name></pool>")).toBe('XML error: missing storage pool source host name');
    expect(await defineError("<pool type='netfs'><name>p</name><source><host name='h'/></source></pool>"))
      .toBe('XML error: missing storage pool source path');
    expect(await defineError("<pool type='fs'><name>p</name></pool>")).toBe('XML error: missing storage pool source device name');
    expect(await defineError("<pool type='scsi'><name>p</name></pool>")).toBe('XML error: missing storage pool source adapter');
    expect(await defineError("<pool type='rbd'><name>p</name><source><host name='h'/></source></pool>"))
      .toBe("XML error: element 'name' is mandatory for RBD pool");
    expect(await defineError("<pool type='iscsi-direct'><name>p</name><source><host name='h'/></source></pool>"))
      .toBe('unsupported configuration: missing initiator IQN');
    expect(await defineError("<domain type='test'/>")).toBe("XML error: expecting root element of 'pool', not 'domain'");
    expect(await defineError('<pool')).toMatch(/^\(storage_pool_definition\):1: /);
  });

  it('a network pool without a target path puts its volumes under "(null)"', async () => {
    const conn = await freshConn();
    const pool = await conn.storagePoolCreateXML("<pool type='gluster'><name>g</name><source><host name='h'/><name>n</name></source></pool>");
    const vol = await pool.createXML("<volume><name>v</name><capacity>1</capacity></volume>");
    expect(await vol.getPath()).toBe('(null)/v');
    // The XML says file (the document named no type); the info reports the pool's volume type.
    expect((await vol.getInfo()).type).toBe(3);
    expect(await vol.getXMLDesc()).toContain("<volume type='file'>");
  });
});

describe('custom configs', () => {
  it('loads inline pools with their volumes, counting their allocation', async () => {
    const conn = await connect(`test://${TESTNODE_XML.replace('testnode.xml', 'testnodeinline.xml')}`);
    const pool = await conn.storagePoolLookupByName('default-pool');
    // virsh -c test://.../testnodeinline.xml pool-info default-pool --bytes
    expect(await pool.getInfo()).toEqual({ state: StoragePoolState.RUNNING, capacity: GiB100, allocation: 50000n, available: GiB100 - 50000n });
    const [vol] = await pool.listAllVolumes();
    expect(vol!.getName()).toBe('default-vol');
    expect(await vol!.getXMLDesc()).toBe(`<volume type='file'>
  <name>default-vol</name>
  <key>/default-pool/default-vol</key>
  <capacity unit='bytes'>1000000</capacity>
  <allocation unit='bytes'>50000</allocation>
  <target>
    <path>/default-pool/default-vol</path>
    <format type='raw'/>
  </target>
</volume>
`);
    expect(await pool.getXMLDesc()).not.toContain('<volume');
  });

  it('reads a pool from file= but not the volumes listed beside it, as libvirt 9.0 does', async () => {
    const conn = await connect(`test://${TESTNODE_XML}`);
    const pool = await conn.storagePoolLookupByName('default-pool');
    expect(pool.getUUIDString()).toBe('35bb2ad9-388a-cdfe-461a-b8907f6e53fe');
    expect(await pool.listAllVolumes()).toEqual([]);
  });
});

describe('source discovery', () => {
  it('finds the canned volume groups and NFS export, and refuses other types as libvirt does', async () => {
    const conn = await defaultConn();
    expect(await conn.findStoragePoolSources('logical')).toContain('<name>testvg2</name>');
    expect(await conn.findStoragePoolSources('netfs', "<source><host name='h1'/></source>")).toContain("<host name='h1'/>");
    expect((await virErrorOf(conn.findStoragePoolSources('netfs'))).message).toBe('invalid argument: hostname must be specified for netfs sources');
    expect((await virErrorOf(conn.findStoragePoolSources('dir'))).message).toBe('internal error: unknown storage pool type dir');
    expect((await virErrorOf(conn.findStoragePoolSources('fs'))).message)
      .toBe("this function is not supported by the connection driver: pool type 'fs' does not support source discovery");
  });
});
