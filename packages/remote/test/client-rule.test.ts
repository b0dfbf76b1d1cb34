import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi, type MockInstance } from 'vitest';
import { connect, ErrorCode } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

/**
 * libvirt's client rule for a URI without a transport or host: no local driver for it (here
 * @tsvirt/driver-qemu, which is no dependency of this package, so it is not installed from
 * here), then the local daemon's socket when one listens, else NO_CONNECT naming both options.
 * A user's session URI reaches `$XDG_RUNTIME_DIR/libvirt/libvirt-sock` (root's reaches the system
 * daemon), so the test acts as the user nobody, points that variable at a directory of its own
 * and puts a private session libvirtd's socket there; python3-libvirt runs as nobody beside it.
 */
const suite = daemonSuite('the client rule');
const NOBODY = 65534;
const URI = 'qemu:///session';

suite('a URI without a transport whose driver is not installed', { timeout: 60_000 }, () => {
  const runtime = mkdtempSync(join(tmpdir(), `tsvirt-remote-rule-${process.pid}-`));
  const saved = process.env.XDG_RUNTIME_DIR;
  let daemon: PrivateLibvirtd;
  let uid: MockInstance;
  beforeAll(async () => {
    chmodSync(runtime, 0o755);
    uid = vi.spyOn(process, 'getuid').mockReturnValue(NOBODY);
    process.env.XDG_RUNTIME_DIR = runtime;
    daemon = await startLibvirtd('', { drivers: ['qemu'], uid: NOBODY });
  });
  afterAll(async () => {
    uid?.mockRestore();
    if (saved === undefined) delete process.env.XDG_RUNTIME_DIR;
    else process.env.XDG_RUNTIME_DIR = saved;
    await daemon?.stop();
    rmSync(runtime, { recursive: true, force: true });
  });

  it('with no daemon listening: NO_CONNECT naming the driver package and the daemon', async () => {
    const e = await virErrorOf(connect(URI));
    expect([e.code, e.message]).toEqual([ErrorCode.NO_CONNECT, `no connection driver available for ${URI}: `
      + 'the package @tsvirt/driver-qemu is not installed and no libvirt daemon listens on this host; '
      + 'install @tsvirt/driver-qemu to use qemu:// URIs, or @tsvirt/remote with a running libvirtd']);
  });

  it('with the local daemon listening: the connection goes to it, as python3-libvirt\'s does', async () => {
    mkdirSync(join(runtime, 'libvirt'));
    symlinkSync(daemon.socket, join(runtime, 'libvirt', 'libvirt-sock'));
    const conn = await connect(URI);
    try {
      const ours = [await conn.getType(), await conn.getURI(), (await conn.listAllDomains()).length];
      const py = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', '/usr/bin/python3', '-c', `import json, libvirt
c = libvirt.open('${URI}')
print(json.dumps([c.getType(), c.getURI(), len(c.listAllDomains())]))`], {
        encoding: 'utf8', timeout: 30_000, env: { PATH: process.env.PATH, HOME: runtime, XDG_RUNTIME_DIR: runtime, LIBVIRT_AUTOSTART: '0' },
      });
      expect(py.status, py.stderr).toBe(0);
      expect(ours).toEqual(JSON.parse(py.stdout));
      expect(ours[0]).toBe('QEMU');
      // a second daemon was not started on the side: the domain made here is the daemon's
      const dom = await conn.defineXML(`<domain type='qemu'><name>rule${process.pid}</name><memory unit='MiB'>64</memory>
        <os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`);
      const viaSocket = await connect(`qemu+unix:///session?socket=${daemon.socket}`);
      expect((await viaSocket.listAllDomains()).map((d) => d.getName())).toEqual([`rule${process.pid}`]);
      await viaSocket.close();
      await dom.undefine();
    } finally {
      await conn.close();
    }
  });
});
