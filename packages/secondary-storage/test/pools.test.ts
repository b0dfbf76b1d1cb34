import { existsSync, mkdirSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ErrorCode, ErrorDomain, ListStoragePoolsFlags as L, StoragePoolCreateFlags, StoragePoolState, StorageXMLFlags, connect,
} from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, openEmbedRoot, type EmbedRoot } from './helpers.js';

let e: EmbedRoot;
beforeAll(async () => {
  e = await openEmbedRoot();
}, 30_000);
afterAll(async () => {
  await e.remove();
}, 30_000);

describe('dir pools under qemu:///embed', { timeout: 30_000 }, () => {
  it('define, build, start, destroy, delete and undefine, with their files under the root', async () => {
    const dir = e.dir('life');
    const pool = await e.conn.storagePoolDefineXML(dirPoolXML('life', dir, '<permissions><mode>0750</mode></permissions>'));
    expect(readFileSync(join(e.root, 'etc', 'storage', 'life.xml'), 'utf8')).toContain(`<path>${dir}</path>`);
    expect(await pool.isActive()).toBe(false);
    expect(await pool.isPersistent()).toBe(true);
    expect(await pool.getInfo()).toEqual({ state: StoragePoolState.INACTIVE, capacity: 0n, allocation: 0n, available: 0n });

    const notThere = await virErrorOf(pool.create());
    expect([notThere.code, notThere.domain, notThere.message]).toEqual([
      ErrorCode.SYSTEM_ERROR, ErrorDomain.NONE, `cannot open directory '${dir}': No such file or directory`]);

    await pool.build();
    expect(statSync(dir).mode & 0o777).toBe(0o750);
    await pool.create();
    expect(existsSync(join(e.root, 'run', 'storage', 'life.xml'))).toBe(true);
    const info = await pool.getInfo();
    expect(info.state).toBe(StoragePoolState.RUNNING);
    expect(info.capacity).toBeGreaterThan(0n);
    expect(info.capacity).toBe(info.allocation + info.available);
    const xml = await pool.getXMLDesc();
    expect(xml).toMatch(/<capacity unit='bytes'>\d+<\/capacity>/);
    expect(xml).toContain(`<mode>0750</mode>\n      <owner>${process.getuid!()}</owner>`);

    for (const [call, msg] of [
      [() => pool.create(), "storage pool 'life' is already active"],
      [() => pool.build(), "storage pool 'life' is already active"],
      [() => pool.undefine(), "storage pool 'life' is still active"],
      [() => pool.delete(), "storage pool 'life' is still active"],
    ] as const) {
      const err = await virErrorOf(call);
      expect([err.code, err.message]).toEqual([ErrorCode.OPERATION_INVALID, `Requested operation is not valid: ${msg}`]);
    }

    await pool.destroy();
    expect(await pool.isActive()).toBe(false);
    expect((await virErrorOf(pool.destroy())).message).toBe("Requested operation is not valid: storage pool 'life' is not active");
    writeFileSync(join(dir, 'left'), 'x');
    expect((await virErrorOf(pool.delete())).message).toBe(`failed to remove pool '${dir}': Directory not empty`);
    unlinkSync(join(dir, 'left'));
    await pool.delete();
    expect(existsSync(dir)).toBe(false);
    await pool.undefine();
    expect((await virErrorOf(e.conn.storagePoolLookupByName('life'))).message).toBe(
      "Storage pool not found: no storage pool with matching name 'life'");
  });

  it('a pool made from XML is transient: built and started at once, gone when destroyed, without autostart', async () => {
    const pool = await e.conn.storagePoolCreateXML(dirPoolXML('transient', e.dir('transient')), StoragePoolCreateFlags.WITH_BUILD);
    expect(await pool.isActive()).toBe(true);
    expect(await pool.isPersistent()).toBe(false);
    const err = await virErrorOf(pool.setAutostart(true));
    expect([err.code, err.message]).toEqual([ErrorCode.INTERNAL_ERROR, 'internal error: pool has no config file']);
    await pool.destroy();
    expect((await virErrorOf(pool.isActive())).code).toBe(ErrorCode.NO_STORAGE_POOL);
  });

  it('another connection (another process would too) sees the pools from the files; lookups and listings with flags', async () => {
    mkdirSync(e.dir('seen'), { recursive: true });
    const a = await e.conn.storagePoolDefineXML(dirPoolXML('seen', e.dir('seen')));
    await a.create();
    await a.setAutostart(true);
    await e.conn.storagePoolDefineXML(dirPoolXML('idle', e.dir('idle')));
    const other = await connect(e.uri);
    try {
      expect(await other.listStoragePools()).toEqual(['seen']);
      expect(await other.listDefinedStoragePools()).toEqual(['idle']);
      expect(await other.numOfStoragePools()).toBe(1);
      expect(await other.numOfDefinedStoragePools()).toBe(1);
      const names = async (flags: number) => (await other.listAllStoragePools(flags)).map((p) => p.getName());
      expect(await names(0)).toEqual(['idle', 'seen']);
      expect(await names(L.ACTIVE)).toEqual(['seen']);
      expect(await names(L.AUTOSTART)).toEqual(['seen']);
      expect(await names(L.NO_AUTOSTART | L.PERSISTENT)).toEqual(['idle']);
      expect(await names(L.TRANSIENT)).toEqual([]);
      expect(await names(L.NETFS)).toEqual([]);
      expect(await names(L.DIR | L.INACTIVE)).toEqual(['idle']);
      const byUUID = await other.storagePoolLookupByUUIDString(a.getUUIDString());
      expect(byUUID.getName()).toBe('seen');
      expect(await byUUID.getAutostart()).toBe(true);
      const flagErr = await virErrorOf(other.listAllStoragePools(1 << 21));
      expect(flagErr.message).toBe('unsupported flags (0x200000) in function storageConnectListAllStoragePools');
    } finally {
      await other.close();
    }
    await a.setAutostart(false);
    expect(await a.getAutostart()).toBe(false);
    await a.destroy();
    await a.undefine();
    await (await e.conn.storagePoolLookupByName('idle')).undefine();
  });

  it('autostart pools start when a root is opened after its state directory went away (a reboot empties /run)', async () => {
    mkdirSync(e.dir('auto'), { recursive: true });
    const pool = await e.conn.storagePoolDefineXML(dirPoolXML('auto', e.dir('auto')));
    await pool.setAutostart(true);
    const again = await connect(e.uri);
    expect(await (await again.storagePoolLookupByName('auto')).isActive()).toBe(false);
    await again.close();
    rmSync(join(e.root, 'run'), { recursive: true });
    const rebooted = await connect(e.uri);
    expect(await (await rebooted.storagePoolLookupByName('auto')).isActive()).toBe(true);
    await rebooted.close();
    await pool.destroy();
    await pool.undefine();
  });

  it('a refresh finds the directory gone and stops the pool', async () => {
    const pool = await e.conn.storagePoolCreateXML(dirPoolXML('vanish', e.dir('vanish')), StoragePoolCreateFlags.WITH_BUILD);
    rmSync(e.dir('vanish'), { recursive: true });
    const err = await virErrorOf(pool.refresh());
    expect(err.message).toBe(`cannot open directory '${e.dir('vanish')}': No such file or directory`);
    expect((await virErrorOf(pool.isActive())).code).toBe(ErrorCode.NO_STORAGE_POOL);
  });

  it('capabilities: every pool type, those with a backend supported; source discovery refused as libvirt refuses it', async () => {
    const caps = await e.conn.getStoragePoolCapabilities();
    expect(caps).toMatch(/^<storagepoolCapabilities>\n  <pool type='dir' supported='yes'>\n    <volOptions>\n      <defaultFormat type='raw'\/>/);
    expect(caps.match(/supported='yes'/g)).toHaveLength(7);
    expect(caps).toContain("  <pool type='disk' supported='yes'>");
    expect(caps).toContain("  <pool type='fs' supported='yes'>\n    <poolOptions>\n      <defaultFormat type='auto'/>");
    expect(caps).toContain("  <pool type='iscsi-direct' supported='no'>\n  </pool>\n");
    for (const [type, code, message] of [
      ['dir', ErrorCode.NO_SUPPORT, "this function is not supported by the connection driver: pool type 'dir' does not support source discovery"],
      ['foo', ErrorCode.INTERNAL_ERROR, 'internal error: unknown storage pool type foo'],
      ['mpath', ErrorCode.INTERNAL_ERROR, 'internal error: missing backend for pool type 8 (mpath)'],
    ] as const) {
      const err = await virErrorOf(e.conn.findStoragePoolSources(type));
      expect([err.code, err.message]).toEqual([code, message]);
    }
  });

  it('the inactive XML of a running pool is its live one, unless a definition was made while it ran', async () => {
    mkdirSync(e.dir('redef'), { recursive: true });
    const pool = await e.conn.storagePoolDefineXML(dirPoolXML('redef', e.dir('redef')));
    await pool.create();
    expect(await pool.getXMLDesc(StorageXMLFlags.INACTIVE)).toContain('<mode>0755</mode>');
    const xml = (await pool.getXMLDesc()).replace(/<pool type='dir'>/, '').replace(/<uuid>.*<\/uuid>/, `<uuid>${pool.getUUIDString()}</uuid>`);
    await e.conn.storagePoolDefineXML(`<pool type='dir'>${xml.replace('</target>', '<permissions><mode>0700</mode></permissions></target>')}`);
    expect(await pool.getXMLDesc(StorageXMLFlags.INACTIVE)).toContain('<mode>0700</mode>');
    expect(await pool.getXMLDesc()).toContain('<mode>0755</mode>');
    await pool.destroy();
    await pool.undefine();
  });

  it('refuses bad definitions and clashes with libvirt\'s codes and messages, and leaves no file behind', async () => {
    mkdirSync(e.dir('taken'), { recursive: true });
    const taken = await e.conn.storagePoolDefineXML(dirPoolXML('taken', e.dir('taken')));
    const cases: Array<[string, ErrorCode, ErrorDomain, string]> = [
      ['<pool', ErrorCode.XML_DETAIL, ErrorDomain.STORAGE, '(storage_pool_definition):1: '],
      ["<volume type='dir'/>", ErrorCode.XML_ERROR, ErrorDomain.XML, "XML error: expecting root element of 'pool', not 'volume'"],
      ['<pool><name>x</name></pool>', ErrorCode.XML_ERROR, ErrorDomain.XML, "XML error: Missing required attribute 'type' in element 'pool'"],
      ["<pool type='foo'><name>x</name></pool>", ErrorCode.XML_ERROR, ErrorDomain.XML, "XML error: Invalid value for attribute 'type' in element 'pool': 'foo'."],
      ["<pool type='dir'><target><path>/x</path></target></pool>", ErrorCode.XML_ERROR, ErrorDomain.STORAGE, 'XML error: missing pool source name element'],
      ["<pool type='dir'><name>x</name></pool>", ErrorCode.XML_ERROR, ErrorDomain.STORAGE, 'XML error: missing storage pool target path'],
      [dirPoolXML('a/b', '/x'), ErrorCode.XML_ERROR, ErrorDomain.STORAGE, "XML error: name a/b cannot contain '/'"],
      [dirPoolXML('m', '/x', '<permissions><mode>99</mode></permissions>'), ErrorCode.XML_ERROR, ErrorDomain.STORAGE, 'XML error: malformed octal mode'],
      ["<pool type='dir'><name>u</name><uuid>zz</uuid><target><path>/x</path></target></pool>", ErrorCode.XML_ERROR, ErrorDomain.STORAGE, 'XML error: malformed uuid element'],
      ["<pool type='mpath'><name>mp</name><target><path>/dev/mapper</path></target></pool>",
        ErrorCode.INTERNAL_ERROR, ErrorDomain.STORAGE, 'internal error: missing backend for pool type 8 (mpath)'],
      [dirPoolXML('other', e.dir('taken')), ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE, "operation failed: Storage source conflict with pool: 'taken'"],
      [dirPoolXML('taken', e.dir('elsewhere')), ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE,
        `operation failed: pool 'taken' already exists with uuid ${taken.getUUIDString()}`],
      [`<pool type='dir'><name>moved</name><uuid>${taken.getUUIDString()}</uuid><target><path>/x</path></target></pool>`,
        ErrorCode.OPERATION_FAILED, ErrorDomain.STORAGE, `operation failed: pool 'taken' is already defined with uuid ${taken.getUUIDString()}`],
    ];
    for (const [xml, code, domain, message] of cases) {
      const err = await virErrorOf(e.conn.storagePoolDefineXML(xml));
      expect([err.code, err.domain, err.message.startsWith(message) ? message : err.message], xml).toEqual([code, domain, message]);
    }
    const flagErr = await virErrorOf(e.conn.storagePoolDefineXML(dirPoolXML('f', '/x'), 2));
    expect(flagErr.message).toBe('unsupported flags (0x2) in function storagePoolDefineXML');
    expect((await virErrorOf(taken.build(16))).message).toBe('unsupported flags (0x10) in function virStorageBackendFileSystemBuild');
    expect((await virErrorOf(taken.build(12))).message).toBe(
      "Flags 'VIR_STORAGE_POOL_BUILD_OVERWRITE' and 'VIR_STORAGE_POOL_BUILD_NO_OVERWRITE' are mutually exclusive");
    expect((await virErrorOf(taken.build(8))).message).toBe(
      "Requested operation is not valid: No source device specified when formatting pool 'taken'");
    writeFileSync(e.dir('plain-file'), '');
    const onFile = await e.conn.storagePoolDefineXML(dirPoolXML('on-file', e.dir('plain-file')));
    await onFile.build();
    expect((await virErrorOf(onFile.create())).message).toBe(`cannot open directory '${e.dir('plain-file')}': Not a directory`);
    await onFile.undefine();
    expect((await virErrorOf(taken.delete(1))).message).toBe('unsupported flags (0x1) in function virStorageBackendDeleteLocal');
    expect((await e.conn.listAllStoragePools()).map((p) => p.getName())).toEqual(['taken']);
    await taken.undefine();
  });
});
