import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCode, ErrorDomain } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, embedRootForFile, volXML, type EmbedRoot } from './helpers.js';

const root = embedRootForFile();
let e: EmbedRoot;
beforeEach(() => {
  e = root();
});

/** Names that are JavaScript property names of every object. */
const PROTO_NAMES = ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty'];

describe('hostile names and numbers', { timeout: 60_000 }, () => {
  it('a pool or volume name never becomes a path outside the root', async () => {
    const slash = await virErrorOf(e.conn.storagePoolDefineXML(dirPoolXML('../../../elsewhere/p', e.dir('x'))));
    expect([slash.code, slash.message]).toEqual([ErrorCode.XML_ERROR, "XML error: name ../../../elsewhere/p cannot contain '/'"]);
    expect(existsSync(join(e.root, 'elsewhere'))).toBe(false);

    // A definition placed outside the root is never found by a name that walks there.
    const outside = join(e.root, 'outside');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'evil.xml'), dirPoolXML('evil', outside));
    for (const name of ['../../outside/evil', '../outside/evil', 'evil', '..', '.']) {
      const err = await virErrorOf(e.conn.storagePoolLookupByName(name));
      expect([err.code, err.message]).toEqual([ErrorCode.NO_STORAGE_POOL, `Storage pool not found: no storage pool with matching name '${name}'`]);
    }

    const dir = e.dir('names');
    const pool = await e.conn.storagePoolCreateXML(dirPoolXML('names', dir), 1);
    writeFileSync(join(outside, 'secret'), 'x');
    for (const name of ['../../outside/secret', '..', '.', '../names']) {
      const err = await virErrorOf(pool.storageVolLookupByName(name));
      expect([err.code, err.message]).toEqual([ErrorCode.NO_STORAGE_VOL, `Storage volume not found: no storage vol with matching name '${name}'`]);
    }
    const volSlash = await virErrorOf(pool.createXML(volXML('../../outside/new', 1024)));
    expect([volSlash.code, volSlash.message]).toEqual([ErrorCode.OPERATION_INVALID, "Requested operation is not valid: volume name '../../outside/new' cannot contain '/'"]);
    for (const name of ['..', '.']) {
      const err = await virErrorOf(pool.createXML(volXML(name, 1024)));
      expect([err.code, err.message]).toEqual([ErrorCode.OPERATION_INVALID, `Requested operation is not valid: volume target path '${dir}/${name}' already exists`]);
    }
    expect(existsSync(join(outside, 'new'))).toBe(false);

    // libvirt refuses only '/' in a pool name: a newline stays a name, kept inside the root.
    const nl = await e.conn.storagePoolDefineXML(dirPoolXML('a\nb', e.dir('nl')));
    expect(existsSync(join(e.root, 'etc', 'storage', 'a\nb.xml'))).toBe(true);
    expect((await e.conn.storagePoolLookupByName('a\nb')).getName()).toBe('a\nb');
    await nl.undefine();
    await pool.destroy();
  });

  it('owner and group numbers a uid_t cannot hold, and modes beyond 0777, are refused at define with libvirt\'s words', async () => {
    const perms = (inner: string): string => `<permissions>${inner}</permissions>`;
    const cases: Array<[string, string]> = [
      [`<owner>${'9'.repeat(40)}</owner>`, 'malformed owner element'],
      [`<group>${'1'.repeat(400)}</group>`, 'malformed group element'],
      ['<owner>4294967296</owner>', 'malformed owner element'],
      ['<group>-2</group>', 'malformed group element'],
      ['<mode>07777</mode>', 'malformed octal mode'],
      ['<mode>0777777777777777777777</mode>', 'malformed octal mode'],
    ];
    for (const [inner, msg] of cases) {
      const err = await virErrorOf(e.conn.storagePoolDefineXML(dirPoolXML('ids', e.dir('ids'), perms(inner))));
      expect([err.code, err.domain, err.message]).toEqual([ErrorCode.XML_ERROR, ErrorDomain.STORAGE, `XML error: ${msg}`]);
    }
    expect(existsSync(join(e.root, 'etc', 'storage', 'ids.xml'))).toBe(false);

    const pool = await e.conn.storagePoolCreateXML(dirPoolXML('vids', e.dir('vids')), 1);
    for (const [inner, msg] of cases) {
      const err = await virErrorOf(pool.createXML(volXML('v', 1024, perms(inner))));
      expect([err.code, err.message]).toEqual([ErrorCode.XML_ERROR, `XML error: ${msg}`]);
    }
    expect(await pool.listVolumes()).toEqual([]);
    await pool.destroy();
  });

  it('JavaScript property names as values are plain unknown values', async () => {
    for (const type of PROTO_NAMES) {
      const err = await virErrorOf(e.conn.storagePoolDefineXML(`<pool type='${type}'><name>p</name><target><path>/x</path></target></pool>`));
      expect([err.code, err.message]).toEqual([ErrorCode.XML_ERROR, `XML error: Invalid value for attribute 'type' in element 'pool': '${type}'.`]);
      const find = await virErrorOf(e.conn.findStoragePoolSources(type));
      expect([find.code, find.message]).toEqual([ErrorCode.INTERNAL_ERROR, `internal error: unknown storage pool type ${type}`]);
    }
    const pool = await e.conn.storagePoolCreateXML(dirPoolXML('proto', e.dir('proto')), 1);
    for (const name of PROTO_NAMES) {
      const err = await virErrorOf(e.conn.storagePoolLookupByName(name));
      expect(err.code).toBe(ErrorCode.NO_STORAGE_POOL);
      await pool.createXML(volXML(name, 1024));
      expect((await pool.storageVolLookupByName(name)).getName()).toBe(name);
      const fmt = await virErrorOf(pool.createXML(volXML(`${name}-f`, 1024, `<format type='${name}'/>`)));
      expect([fmt.code, fmt.message]).toEqual([ErrorCode.CONFIG_UNSUPPORTED, `unsupported configuration: unknown volume format type ${name}`]);
    }
    expect(await pool.listVolumes()).toEqual([...PROTO_NAMES].sort());
    await pool.destroy();
  });

  it('a definition that cannot be read is skipped with one logged error; the other pools of the root work', async () => {
    const etc = join(e.root, 'etc', 'storage');
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'huge.xml'), dirPoolXML('huge', e.dir('huge'), `<permissions><group>1e+40</group></permissions>`));
    writeFileSync(join(etc, 'inf.xml'), dirPoolXML('inf', e.dir('inf'), `<permissions><owner>Infinity</owner></permissions>`));
    writeFileSync(join(etc, 'other.xml'), dirPoolXML('renamed', e.dir('renamed')));
    writeFileSync(join(etc, 'junk.xml'), '<pool type=');
    writeFileSync(join(etc, 'proto.xml'), `<pool type='__proto__'><name>proto</name></pool>`);
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      const good = await e.conn.storagePoolDefineXML(dirPoolXML('good', e.dir('good')));
      const names = (await e.conn.listAllStoragePools()).map((p) => p.getName());
      expect(names).toContain('good');
      expect(names.filter((n) => ['huge', 'inf', 'renamed', 'proto'].includes(n))).toEqual([]);
      await e.conn.listAllStoragePools();
      await good.undefine();
      const logged = stderr.mock.calls.map((c) => String(c[0]));
      for (const file of ['huge', 'inf', 'junk', 'proto']) {
        expect(logged.filter((l) => l.includes(`error : storage.store: skipping pool file '${etc}/${file}.xml'`))).toHaveLength(1);
      }
      expect(logged.filter((l) => l.includes(`Storage pool config filename '${etc}/other.xml' does not match pool name 'renamed'`))).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
  });
});
