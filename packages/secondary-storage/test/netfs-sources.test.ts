import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { parseGlusterVolumeNames as parseGlusterVolumes } from '@tsvirt/conf';
import { glusterArgs, parseShowmount, showmountArgs } from '../src/netfs-sources.js';
import { embedRootForFile } from './helpers.js';

const root = embedRootForFile();

/** What `gluster --xml volume info` prints (glusterfs-cli 10), trimmed to what is read. */
const GLUSTER_INFO = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cliOutput><opRet>0</opRet><opErrno>0</opErrno><opErrstr/><volInfo><volumes>
<volume><name>gv0</name><id>c9d1e2f3-0000-4000-8000-000000000001</id><status>1</status><brickCount>2</brickCount></volume>
<volume><name>images</name><id>c9d1e2f3-0000-4000-8000-000000000002</id><status>1</status></volume>
<count>2</count></volumes></volInfo></cliOutput>`;

describe('netfs source discovery (showmount, gluster)', { timeout: 30_000 }, () => {
  it('lists exports as libvirt runs showmount; a path may hold spaces', () => {
    expect(showmountArgs('nfs.example')).toEqual(['--no-headers', '--exports', 'nfs.example']);
    expect(parseShowmount('/srv/images  10.0.0.0/24\n/srv/my share (everyone)\n/bare\n\n')).toEqual(['/srv/images', '/srv/my share', '/bare']);
  });

  it('lists GlusterFS volumes as libvirt runs and reads gluster --xml volume info', () => {
    expect(glusterArgs('gl.example')).toEqual(['--xml', '--log-file=/dev/null', 'volume', 'info', '--remote-host=gl.example']);
    expect(parseGlusterVolumes(GLUSTER_INFO)).toEqual(['gv0', 'images']);
    expect(parseGlusterVolumes('<cliOutput><opRet>0</opRet><volInfo><volumes><count>0</count></volumes></volInfo></cliOutput>')).toEqual([]);
    expect(() => parseGlusterVolumes('<cliOutput><volInfo><volumes><volume><id>x</id></volume></volumes></volInfo></cliOutput>'))
      .toThrow('internal error: failed to extract gluster volume name');
    expect(() => parseGlusterVolumes('<cliOutput>')).toThrow(/gluster_cli_output/);
  });

  it('needs a host; refused clearly where neither showmount nor gluster can list it', async () => {
    const conn = root().conn;
    const noHost = await virErrorOf(conn.findStoragePoolSources('netfs', '<source/>'));
    expect([noHost.code, noHost.message]).toEqual([ErrorCode.INVALID_ARG, 'invalid argument: hostname must be specified for netfs sources']);
    const none = await virErrorOf(conn.findStoragePoolSources('netfs'));
    expect(none.code).toBe(ErrorCode.INVALID_ARG);
    const run = await conn.findStoragePoolSources('netfs', "<source><host name='127.0.0.1'/></source>").then((x) => x, (e: Error) => e);
    if (typeof run === 'string') expect(run).toMatch(/^<sources/);
    else expect(run.message).toBe("operation failed: no storage pools were found on host '127.0.0.1' (neither showmount nor gluster could list it)");
  });
});
