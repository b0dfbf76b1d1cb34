import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode, ErrorDomain, StorageVolInfoFlags, connect, StorageVolResizeFlags as R, StorageVolType, StorageVolWipeAlgorithm, type StoragePool,
} from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, openEmbedRoot, volXML, type EmbedRoot } from './helpers.js';

const MiB = 1024 * 1024;
let e: EmbedRoot;
let pool: StoragePool;
let dir: string;

/** What qemu-img says of an image. */
const qemuInfo = (path: string): { format: string; 'virtual-size': number; 'backing-filename'?: string } =>
  JSON.parse(execFileSync('qemu-img', ['info', '--output=json', '-U', path], { encoding: 'utf8' })) as never;

beforeAll(async () => {
  e = await openEmbedRoot();
  dir = e.dir('vols');
  pool = await e.conn.storagePoolDefineXML(dirPoolXML('vols', dir));
  await pool.build();
  await pool.create();
}, 30_000);
afterAll(async () => {
  await e.remove();
}, 30_000);

describe('volumes of a dir pool', { timeout: 30_000 }, () => {
  it('a raw volume: a file of its capacity, its allocation reserved, mode 0600, with libvirt\'s XML', async () => {
    const vol = await pool.createXML(volXML('a.raw', 10 * MiB));
    const path = join(dir, 'a.raw');
    expect([vol.getName(), vol.getKey(), await vol.getPath()]).toEqual(['a.raw', path, path]);
    const st = statSync(path);
    expect([st.size, st.mode & 0o777, st.blocks * 512 >= 10 * MiB]).toEqual([10 * MiB, 0o600, true]);
    expect(await vol.getInfo()).toEqual({ type: StorageVolType.FILE, capacity: BigInt(10 * MiB), allocation: BigInt(st.blocks * 512) });
    const xml = await vol.getXMLDesc();
    expect(xml).toMatch(new RegExp(
      `^<volume type='file'>\\n  <name>a\\.raw</name>\\n  <key>${path}</key>\\n  <capacity unit='bytes'>${10 * MiB}</capacity>\\n` +
      `  <allocation unit='bytes'>\\d+</allocation>\\n  <physical unit='bytes'>${10 * MiB}</physical>\\n  <target>\\n` +
      `    <path>${path}</path>\\n    <format type='raw'/>\\n    <permissions>\\n      <mode>0600</mode>\\n` +
      `      <owner>${process.getuid!()}</owner>\\n      <group>${process.getgid!()}</group>\\n    </permissions>\\n` +
      '    <timestamps>\\n      <atime>\\d+(\\.\\d{9})?</atime>\\n      <mtime>[\\d.]+</mtime>\\n      <ctime>[\\d.]+</ctime>\\n' +
      '      <btime>0</btime>\\n    </timestamps>\\n  </target>\\n</volume>\\n$'));
    const sparse = await pool.createXML(volXML('sparse.raw', 4 * MiB, '', "<allocation unit='bytes'>0</allocation>"));
    expect((await sparse.getInfo()).allocation).toBe(0n);
    await sparse.delete();
  });

  it('qcow2 volumes through qemu-img, with a backing store; lookups by name, key and path', async () => {
    const base = await pool.createXML(volXML('base.qcow2', 20 * MiB, "<format type='qcow2'/>"));
    const basePath = join(dir, 'base.qcow2');
    expect(qemuInfo(basePath)).toMatchObject({ format: 'qcow2', 'virtual-size': 20 * MiB });
    const top = await pool.createXML(volXML('top.qcow2', 20 * MiB, "<format type='qcow2'/>", `<backingStore><path>${basePath}</path><format type='qcow2'/></backingStore>`));
    const topPath = join(dir, 'top.qcow2');
    expect(qemuInfo(topPath)).toMatchObject({ format: 'qcow2', 'backing-filename': basePath });
    const xml = await top.getXMLDesc();
    expect(xml).toContain(`<format type='qcow2'/>`);
    expect(xml).toContain(`<backingStore>\n    <path>${basePath}</path>\n    <format type='qcow2'/>\n    <permissions>`);
    expect(xml).toMatch(/<\/permissions>\n    <timestamps>\n      <atime>[\d.]+<\/atime>\n[\s\S]*<\/timestamps>\n  <\/backingStore>\n<\/volume>\n$/);
    // qemu-img's cluster size, in bytes as libvirt's probe shows it, after the timestamps.
    expect(await base.getXMLDesc()).toMatch(/<btime>0<\/btime>\n    <\/timestamps>\n    <clusterSize unit='B'>65536<\/clusterSize>\n  <\/target>/);
    expect((await top.getInfo()).capacity).toBe(BigInt(20 * MiB));
    const physical = (await top.getInfoFlags(StorageVolInfoFlags.GET_PHYSICAL)).allocation;
    expect(physical).toBe(BigInt(statSync(topPath).size));

    expect((await e.conn.storageVolLookupByKey(basePath)).getName()).toBe('base.qcow2');
    expect((await e.conn.storageVolLookupByPath(`${dir}//top.qcow2`)).getName()).toBe('top.qcow2');
    expect((await base.storagePoolLookupByVolume()).getName()).toBe('vols');
    expect((await pool.storageVolLookupByName('top.qcow2')).getKey()).toBe(topPath);
    expect(await pool.listVolumes()).toEqual(['a.raw', 'base.qcow2', 'top.qcow2']);
    await top.delete();
    await base.delete();
  });

  it('the directory\'s files are the volumes: what appears there shows (files, directories, block devices), nothing else does', async () => {
    writeFileSync(join(dir, 'text.txt'), 'hello');
    symlinkSync(join(dir, 'a.raw'), join(dir, 'link'));
    symlinkSync(join(dir, 'nothing'), join(dir, 'dangling'));
    mkdirSync(join(dir, 'sub'));
    await pool.refresh();
    expect((await pool.listAllVolumes()).map((v) => v.getName())).toEqual(['a.raw', 'link', 'sub', 'text.txt']);
    expect(await pool.numOfVolumes()).toBe(4);
    const sub = await pool.storageVolLookupByName('sub');
    expect(await sub.getInfo()).toEqual({ type: StorageVolType.DIR, capacity: 0n, allocation: 0n });
    expect(await sub.getXMLDesc()).toMatch(/^<volume type='dir'>\n  <name>sub<\/name>\n.*\n  <capacity unit='bytes'>0<\/capacity>\n  <allocation unit='bytes'>0<\/allocation>\n  <target>\n.*\n    <format type='dir'\/>\n/);
    const text = await pool.storageVolLookupByName('text.txt');
    expect((await text.getInfo()).capacity).toBe(5n);
    expect(await (await pool.storageVolLookupByName('link')).getPath()).toBe(join(dir, 'link'));
    for (const name of ['text.txt', 'link', 'sub']) await (await pool.storageVolLookupByName(name)).delete();
    expect(existsSync(join(dir, 'sub'))).toBe(false);
    expect(existsSync(join(dir, 'a.raw'))).toBe(true);
  });

  it('clones: raw into qcow2 with qemu-img convert, keeping the source\'s capacity (also when the XML names none)', async () => {
    const src = await pool.storageVolLookupByName('a.raw');
    const copy = await pool.createXMLFrom(volXML('copy.qcow2', 1024, "<format type='qcow2'/>"), src);
    expect(qemuInfo(join(dir, 'copy.qcow2'))).toMatchObject({ format: 'qcow2', 'virtual-size': 10 * MiB });
    const bare = await pool.createXMLFrom('<volume><name>bare.raw</name></volume>', src);
    expect((await bare.getInfo()).capacity).toBe(BigInt(10 * MiB));
    await bare.delete();
    const raw = await pool.createXMLFrom(volXML('copy.raw', 12 * MiB), copy);
    expect((await raw.getInfo()).capacity).toBe(BigInt(12 * MiB));
    expect((await virErrorOf(pool.createXMLFrom(volXML('x', 1), src, 16))).message).toBe(
      'unsupported flags (0x10) in function storageVolCreateXMLFrom');
    await copy.delete();
    await raw.delete();
  });

  it('resize with libvirt\'s rules: grow, SHRINK, DELTA, ALLOCATE, and its refusals', async () => {
    const vol = await pool.createXML(volXML('grow.raw', 4 * MiB, '', "<allocation unit='bytes'>0</allocation>"));
    await vol.resize(BigInt(8 * MiB));
    expect((await vol.getInfo()).capacity).toBe(BigInt(8 * MiB));
    await vol.resize(BigInt(2 * MiB), R.DELTA);
    expect((await vol.getInfo()).capacity).toBe(BigInt(10 * MiB));
    const noShrink = await virErrorOf(vol.resize(BigInt(MiB)));
    expect([noShrink.code, noShrink.message]).toEqual([ErrorCode.INVALID_ARG,
      "invalid argument: Can't shrink capacity below current capacity unless shrink flag explicitly specified"]);
    await vol.resize(BigInt(MiB), R.DELTA | R.SHRINK);
    expect((await vol.getInfo()).capacity).toBe(BigInt(9 * MiB));
    await vol.resize(BigInt(12 * MiB), R.ALLOCATE);
    expect(await vol.getInfo()).toEqual({ type: StorageVolType.FILE, capacity: BigInt(12 * MiB), allocation: BigInt(12 * MiB) });
    const belowAlloc = await virErrorOf(vol.resize(BigInt(MiB), R.SHRINK));
    expect(belowAlloc.message).toBe("invalid argument: can't shrink capacity below existing allocation");
    const noSpace = await virErrorOf(vol.resize(2n ** 60n, R.ALLOCATE));
    expect([noSpace.code, noSpace.message]).toEqual([ErrorCode.OPERATION_FAILED, 'operation failed: Not enough space left in storage pool']);
    expect((await virErrorOf(vol.resize(1n, 16))).message).toBe('unsupported flags (0x10) in function storageVolResize');

    const q = await pool.createXML(volXML('grow.qcow2', 4 * MiB, "<format type='qcow2'/>"));
    await q.resize(BigInt(16 * MiB));
    expect(qemuInfo(join(dir, 'grow.qcow2'))['virtual-size']).toBe(16 * MiB);
    await q.resize(BigInt(8 * MiB), R.SHRINK);
    expect((await q.getInfo()).capacity).toBe(BigInt(8 * MiB));
    const prealloc = await virErrorOf(q.resize(BigInt(32 * MiB), R.ALLOCATE));
    expect([prealloc.code, prealloc.message]).toEqual([ErrorCode.OPERATION_UNSUPPORTED,
      'Operation not supported: preallocate is only supported for raw type volume']);
    await vol.delete();
    await q.delete();
  });

  it('wipe writes zeros; other algorithms as libvirt refuses them', async () => {
    const vol = await pool.createXML(volXML('wipe.raw', MiB));
    writeFileSync(join(dir, 'wipe.raw'), Buffer.alloc(MiB, 0xab));
    await vol.wipe();
    expect(readdirSync(dir)).toContain('wipe.raw');
    expect(readFileSync(join(dir, 'wipe.raw')).every((b) => b === 0)).toBe(true);
    const trim = await virErrorOf(vol.wipePattern(StorageVolWipeAlgorithm.TRIM));
    expect([trim.code, trim.message]).toEqual([ErrorCode.ARGUMENT_UNSUPPORTED, "argument unsupported: 'trim' algorithm not supported"]);
    expect((await virErrorOf(vol.wipePattern(99))).message).toBe('invalid argument: wiping algorithm 99 not supported');
    expect((await virErrorOf(vol.wipe(1))).message).toBe('unsupported flags (0x1) in function storageVolWipePattern');
    await vol.delete();
  });

  it('wipe tells its progress: the bytes rise chunk by chunk to the volume\'s size', async () => {
    const vol = await pool.createXML(volXML('wipe-progress.raw', 3 * MiB + 512));
    const size = (await vol.getInfo()).allocation;
    expect(size).toBeGreaterThanOrEqual(BigInt(3 * MiB + 512));
    const heard: Array<[bigint, bigint]> = [];
    await vol.wipe(0, { onProgress: (done, total) => heard.push([done, total]) });
    expect(heard.length).toBeGreaterThanOrEqual(4);
    expect(heard.every(([, total]) => total === size)).toBe(true);
    expect(heard.every(([done], i) => done > (i ? heard[i - 1]![0] : 0n))).toBe(true);
    expect(heard[0]![0]).toBe(BigInt(MiB));
    expect(heard.at(-1)![0]).toBe(size);
    // a refused wipe tells nothing
    const refused: bigint[] = [];
    await virErrorOf(vol.wipePattern(StorageVolWipeAlgorithm.TRIM, 0, { onProgress: (done) => refused.push(done) }));
    expect(refused).toEqual([]);
    await vol.delete();
  });

  it('refuses bad volumes with libvirt\'s codes and messages, and leaves nothing half-made', async () => {
    const before = readdirSync(dir).sort();
    const cases: Array<[string, ErrorCode, string]> = [
      [volXML('a.raw', 1), ErrorCode.STORAGE_VOL_EXIST, "storage volume 'a.raw' exists already"],
      [volXML('..', 1), ErrorCode.OPERATION_INVALID, `Requested operation is not valid: volume target path '${dir}/..' already exists`],
      ['<volume><capacity>1</capacity></volume>', ErrorCode.XML_ERROR, 'XML error: missing volume name element'],
      ['<volume><name>x</name></volume>', ErrorCode.XML_ERROR, 'XML error: missing capacity element'],
      ['<volume><name>x</name><capacity>abc</capacity></volume>', ErrorCode.XML_ERROR, 'XML error: malformed capacity element'],
      ["<volume type='foo'><name>x</name><capacity>1</capacity></volume>", ErrorCode.CONFIG_UNSUPPORTED, "unsupported configuration: unknown volume type 'foo'"],
      [volXML('x', 1, "<format type='foo'/>"), ErrorCode.CONFIG_UNSUPPORTED, 'unsupported configuration: unknown volume format type foo'],
      [volXML('x/y', 1), ErrorCode.OPERATION_INVALID, "Requested operation is not valid: volume name 'x/y' cannot contain '/'"],
      [volXML('x', 1, '', `<backingStore><path>${dir}/a.raw</path></backingStore>`), ErrorCode.NO_SUPPORT,
        'this function is not supported by the connection driver: backing storage not supported for raw volumes'],
      [volXML('x', 1, "<format type='qcow2'/>", `<backingStore><path>${dir}/nope</path><format type='raw'/></backingStore>`), ErrorCode.SYSTEM_ERROR,
        `inaccessible backing store volume ${dir}/nope: No such file or directory`],
      ["<volume><name>huge</name><capacity unit='T'>8000</capacity></volume>", ErrorCode.SYSTEM_ERROR, `cannot extend file '${dir}/huge': File too large`],
      [volXML('bad.qcow2', MiB, "<format type='qcow2'/><clusterSize unit='B'>3</clusterSize>"), ErrorCode.INTERNAL_ERROR, 'internal error: Child process (qemu-img create'],
    ];
    for (const [xml, code, message] of cases) {
      const err = await virErrorOf(pool.createXML(xml));
      expect([err.code, err.domain === ErrorDomain.STORAGE || err.domain === ErrorDomain.NONE, err.message.startsWith(message) ? message : err.message], xml)
        .toEqual([code, true, message]);
    }
    expect(readdirSync(dir).sort()).toEqual(before);
    expect((await virErrorOf(pool.createXML(volXML('x', 1), 8))).message).toBe('unsupported flags (0x8) in function storageVolCreateXML');
    const none = await virErrorOf(pool.storageVolLookupByName('nope'));
    expect([none.code, none.message]).toEqual([ErrorCode.NO_STORAGE_VOL, "Storage volume not found: no storage vol with matching name 'nope'"]);
    expect((await virErrorOf(e.conn.storageVolLookupByKey('/nope'))).message).toBe('Storage volume not found: no storage vol with matching key /nope');
    expect((await virErrorOf(e.conn.storageVolLookupByPath('/nope'))).message).toBe("Storage volume not found: no storage vol with matching path '/nope'");
    const a = await pool.storageVolLookupByName('a.raw');
    expect((await virErrorOf(a.delete(1))).message).toBe('unsupported flags (0x1) in function virStorageBackendVolDeleteLocal');
    expect((await virErrorOf(a.getXMLDesc(1))).message).toBe('unsupported flags (0x1) in function storageVolGetXMLDesc');
  });

  it('creations from several connections at once all land, and two of the same name give one volume and libvirt\'s error', async () => {
    const conns = await Promise.all([1, 2, 3, 4].map(() => connect(e.uri)));
    const made = await Promise.all(conns.map(async (c, i) => (await c.storagePoolLookupByName('vols')).createXML(volXML(`par${i}.qcow2`, MiB, "<format type='qcow2'/>"))));
    expect(made.map((v) => v.getName())).toEqual(['par0.qcow2', 'par1.qcow2', 'par2.qcow2', 'par3.qcow2']);
    const same = await Promise.allSettled(conns.map(async (c) => (await c.storagePoolLookupByName('vols')).createXML(volXML('same.raw', MiB))));
    expect(same.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of same) if (r.status === 'rejected') expect((r.reason as Error).message).toBe("storage volume 'same.raw' exists already");
    await (await pool.storageVolLookupByName('same.raw')).delete();
    for (const v of made) await v.delete();
    await Promise.all(conns.map((c) => c.close()));
  });

  it('a stopped pool has no volumes to reach', async () => {
    const a = await pool.storageVolLookupByName('a.raw');
    await pool.destroy();
    const msg = "Requested operation is not valid: storage pool 'vols' is not active";
    for (const call of [() => pool.listAllVolumes(), () => pool.numOfVolumes(), () => a.getInfo(), () => pool.createXML(volXML('x', 1)),
      () => pool.storageVolLookupByName('a.raw'), () => pool.refresh()]) {
      expect((await virErrorOf(call)).message).toBe(msg);
    }
    expect((await virErrorOf(e.conn.storageVolLookupByPath(join(dir, 'a.raw')))).code).toBe(ErrorCode.NO_STORAGE_VOL);
    await pool.create();
  });
});
