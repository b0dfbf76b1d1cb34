import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { parseShowmount, showmountArgs } from '../src/netfs-sources.js';
import { embedRootForFile } from './helpers.js';

const root = embedRootForFile();

describe('netfs source discovery (showmount)', { timeout: 30_000 }, () => {
  it('lists exports as libvirt runs showmount; a path may hold spaces', () => {
    expect(showmountArgs('nfs.example')).toEqual(['--no-headers', '--exports', 'nfs.example']);
    expect(parseShowmount('/srv/images  10.0.0.0/24\n/srv/my share (everyone)\n/bare\n\n')).toEqual(['/srv/images', '/srv/my share', '/bare']);
  });

  it('needs a host; runs showmount (refused with its error where nfs-common is missing)', async () => {
    const conn = root().conn;
    const noHost = await virErrorOf(conn.findStoragePoolSources('netfs', '<source/>'));
    expect([noHost.code, noHost.message]).toEqual([ErrorCode.INVALID_ARG, 'invalid argument: hostname must be specified for netfs sources']);
    const none = await virErrorOf(conn.findStoragePoolSources('netfs'));
    expect(none.code).toBe(ErrorCode.INVALID_ARG);
    const run = await conn.findStoragePoolSources('netfs', "<source><host name='127.0.0.1'/></source>").then((x) => x, (e: Error) => e);
    if (typeof run === 'string') expect(run).toMatch(/^<sources/);
    else expect(run.message).toMatch(/showmount/);
  });
});
