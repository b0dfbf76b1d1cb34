import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ErrorCode, type StoragePool } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { dirPoolXML, embedRootForFile, volXML } from './helpers.js';

const MiB = 1024 * 1024;
const root = embedRootForFile();
const UUID = 'f52a81b2-424e-490c-823d-6bd4235bc572';
let pool: StoragePool;
let dir: string;

const encrypted = (name: string, secret: string, format = 'raw'): string =>
  volXML(name, 16 * MiB, `<format type='${format}'/><encryption format='luks'><secret type='passphrase' ${secret}/></encryption>`);

beforeAll(async () => {
  dir = root().dir('luks');
  pool = await root().conn.storagePoolCreateXML(dirPoolXML('luks', dir), 1);
}, 30_000);

describe('LUKS-encrypted volumes', { timeout: 60_000 }, () => {
  it('are refused clearly where the connection has no secret driver, leaving nothing behind', async () => {
    const err = await virErrorOf(pool.createXML(encrypted('enc.img', `uuid='${UUID}'`)));
    expect([err.code, err.message]).toEqual([ErrorCode.OPERATION_UNSUPPORTED,
      `Operation not supported: cannot create encrypted volume 'enc.img': this connection has no secret driver to read secret '${UUID}' from`]);
    expect(existsSync(join(dir, 'enc.img'))).toBe(false);
  });
});
