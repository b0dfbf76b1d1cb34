import { describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain, StorageVolType, connect, type StoragePool } from '@tsvirt/api';
import { TESTNODE_XML, virErrorOf } from './helpers.js';

/** default-pool of a fresh host (testnode.xml: the pool has no volumes), so tests do not share state. */
async function freshPool(): Promise<StoragePool> {
  const conn = await connect(`test://${TESTNODE_XML}`);
  return conn.storagePoolLookupByName('default-pool');
}

const volXML = (name: string, capacity: string, allocation?: string): string =>
  `<volume><name>${name}</name><capacity>${capacity}</capacity>${allocation === undefined ? '' : `<allocation>${allocation}</allocation>`}</volume>`;
const GiB100 = 107374182400n;

describe('volumes of the test driver', () => {
  it('create: path and key POOLPATH/NAME, allocation defaults to capacity and counts against the pool', async () => {
    const pool = await freshPool();
    const vol = await pool.createXML(volXML('a', '1000', '10'));
    expect([vol.getName(), vol.getKey(), await vol.getPath()]).toEqual(['a', '/default-pool/a', '/default-pool/a']);
    expect(await vol.getInfo()).toEqual({ type: StorageVolType.FILE, capacity: 1000n, allocation: 10n });
    await pool.createXML(volXML('b', '2000'));
    expect((await pool.getInfo()).allocation).toBe(2010n);
    expect((await pool.getInfo()).available).toBe(GiB100 - 2010n);
    expect([await pool.numOfVolumes(), await pool.listVolumes()]).toEqual([2, ['a', 'b']]);
    await vol.delete();
    expect((await pool.getInfo()).allocation).toBe(2000n);
    const gone = await virErrorOf(vol.getInfo());
    expect([gone.code, gone.domain, gone.message]).toEqual([ErrorCode.NO_STORAGE_VOL, ErrorDomain.TEST,
      "Storage volume not found: no storage vol with matching name 'a'"]);
  });

  it('ignores the key and path a document asks for', async () => {
    const pool = await freshPool();
    const vol = await pool.createXML("<volume type='block'><name>vk</name><key>k</key><capacity>100</capacity><target><path>/x</path></target></volume>");
    expect(await vol.getXMLDesc()).toBe(`<volume type='block'>
  <name>vk</name>
  <key>/default-pool/vk</key>
  <capacity unit='bytes'>100</capacity>
  <allocation unit='bytes'>100</allocation>
  <target>
    <path>/default-pool/vk</path>
    <format type='raw'/>
  </target>
</volume>
`);
  });

  it('refuses duplicates, overcommitment and bad documents with libvirt\'s errors', async () => {
    const pool = await freshPool();
    await pool.createXML(volXML('a', '1'));
    const dup = await virErrorOf(pool.createXML(volXML('a', '1')));
    expect([dup.code, dup.message]).toEqual([ErrorCode.OPERATION_FAILED, 'operation failed: storage vol already exists']);
    const big = await virErrorOf(pool.createXML("<volume><name>big</name><capacity>1</capacity><allocation unit='T'>1</allocation></volume>"));
    expect([big.code, big.message]).toEqual([ErrorCode.INTERNAL_ERROR, "internal error: Not enough free space in pool for volume 'big'"]);
    expect((await virErrorOf(pool.createXML('<volume><name>b</name></volume>'))).message).toBe('XML error: missing capacity element');
    expect((await virErrorOf(pool.createXML('<volume><capacity>1</capacity></volume>'))).message).toBe('XML error: missing volume name element');
    expect((await virErrorOf(pool.createXML("<volume type='foo'><name>b</name><capacity>1</capacity></volume>"))).message)
      .toBe("unsupported configuration: unknown volume type 'foo'");
    expect((await virErrorOf(pool.createXML('<volume><name>b</name><capacity>x</capacity></volume>'))).message)
      .toBe('XML error: malformed capacity element');
    expect((await virErrorOf(pool.createXML(volXML('b', '1'), 1))).message).toBe('unsupported flags (0x1) in function testStorageVolCreateXML');
  });

  it('lookups by name, key and path, and the pool of a volume', async () => {
    const pool = await freshPool();
    const conn = pool.conn as Awaited<ReturnType<typeof connect>>;
    await pool.createXML(volXML('a', '1'));
    expect((await pool.storageVolLookupByName('a')).getKey()).toBe('/default-pool/a');
    expect((await conn.storageVolLookupByKey('/default-pool/a')).getName()).toBe('a');
    const byPath = await conn.storageVolLookupByPath('/default-pool/a');
    expect((await byPath.storagePoolLookupByVolume()).getName()).toBe('default-pool');
    expect((await virErrorOf(conn.storageVolLookupByKey('x'))).message).toBe("Storage volume not found: no storage vol with matching key 'x'");
    expect((await virErrorOf(conn.storageVolLookupByPath('x'))).message).toBe("Storage volume not found: no storage vol with matching path 'x'");
    expect((await virErrorOf(pool.storageVolLookupByName('x'))).message).toBe("Storage volume not found: no storage vol with matching name 'x'");
    // A stopped pool hides its volumes, which come back when it starts again.
    await pool.destroy();
    expect((await virErrorOf(conn.storageVolLookupByPath('/default-pool/a'))).code).toBe(ErrorCode.NO_STORAGE_VOL);
    expect((await virErrorOf(pool.storageVolLookupByName('a'))).message)
      .toBe("Requested operation is not valid: storage pool 'default-pool' is not active");
    expect((await virErrorOf(byPath.getInfo())).code).toBe(ErrorCode.OPERATION_INVALID);
    await pool.create();
    expect((await pool.listAllVolumes()).map((v) => v.getName())).toEqual(['a']);
  });

  it('createXMLFrom copies nothing but needs the source volume in the same pool', async () => {
    const pool = await freshPool();
    const src = await pool.createXML(volXML('src', '3145728'));
    const copy = await pool.createXMLFrom(volXML('copy', '1048576', '0'), src);
    expect(await copy.getInfo()).toEqual({ type: StorageVolType.FILE, capacity: 1048576n, allocation: 0n });
    expect((await virErrorOf(pool.createXMLFrom(volXML('copy', '1'), src))).message).toBe('operation failed: storage vol already exists');
    expect((await virErrorOf(pool.createXMLFrom(volXML('c2', '1'), src, 1))).message)
      .toBe('unsupported flags (0x1) in function testStorageVolCreateXMLFrom');
  });

  it('has no wipe, resize, info flags or pool capabilities: libvirt\'s NO_SUPPORT naming the API', async () => {
    const pool = await freshPool();
    const vol = await pool.createXML(volXML('a', '1'));
    expect((await virErrorOf(vol.wipe())).message).toBe('this function is not supported by the connection driver: virStorageVolWipe');
    expect((await virErrorOf(vol.resize(10n))).message).toBe('this function is not supported by the connection driver: virStorageVolResize');
    expect((await virErrorOf(vol.getInfoFlags(0))).message)
      .toBe('this function is not supported by the connection driver: virStorageVolGetInfoFlags');
    expect((await virErrorOf(vol.delete(1))).message).toBe('unsupported flags (0x1) in function testStorageVolDelete');
    expect((await virErrorOf(vol.getXMLDesc(1))).message).toBe('unsupported flags (0x1) in function testStorageVolGetXMLDesc');
  });
});
