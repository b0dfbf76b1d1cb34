import { describe, expect, it } from 'vitest';
import { Connection, ErrorCode, VirError } from '@tsvirt/api';
import { parseURI } from '@tsvirt/util';
import { driver } from '../src/index.js';

const ctx = (uri: string) => ({ uri: parseURI(uri), readonly: false, connect: () => Promise.reject(new Error('unused')) });

describe('driver-lxc', () => {
  it('declines URIs of other schemes', async () => {
    expect(await driver.open(ctx('test:///default'))).toBe('declined');
  });

  it('answers lxc:/// but every entry point is NO_SUPPORT, naming the API', async () => {
    const opened = await driver.open(ctx('lxc:///'));
    if (opened === 'declined') throw new Error('lxc:/// declined');
    const conn = new Connection(opened, 'lxc:///', false);
    const err = await conn.listAllDomains().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VirError);
    expect((err as VirError).code).toBe(ErrorCode.NO_SUPPORT);
    expect((err as VirError).message).toBe('this function is not supported by the connection driver: virConnectListAllDomains');
    await conn.close();
  });
});
