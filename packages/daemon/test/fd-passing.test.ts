import { spawnSync } from 'node:child_process';
import { mkdtempSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDriverImporter, connect, type Connection } from '@tsvirt/api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busyboxRootfs, containersMissing, echoContainerXML } from '@tsvirt/api/testing';
import { fdPassingMissing } from '@tsvirt/remote/protocol';
import { startDaemon, type DaemonProcess } from './helpers/daemon-process.js';

const skip = process.env['CI'] === 'true' ? undefined : (containersMissing() ?? fdPassingMissing());
if (skip) console.log(`descriptor passing through tsvirtd skipped: ${skip}`);

/** A TCP port free on loopback now. */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** python3-libvirt's libvirt_lxc.lxcOpenNamespace: what each received descriptor is, or the error. */
function pythonNamespaces(uri: string, name: string): string {
  const py = `import libvirt, libvirt_lxc, os, sys
c = libvirt.open(sys.argv[1])
try:
    for fd in libvirt_lxc.lxcOpenNamespace(c.lookupByName(sys.argv[2]), 0):
        print(os.readlink('/proc/self/fd/%d' % fd))
except libvirt.libvirtError as e:
    print(e.get_error_code(), e.get_error_message())`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, uri, name], { encoding: 'utf8', timeout: 60_000 });
  return r.stdout;
}

describe.skipIf(skip)('lxcOpenNamespace through tsvirtd: descriptors over the unix socket (SCM_RIGHTS)', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirtd-fds-${process.pid}-`));
  const name = `f${process.pid}`;
  let d: DaemonProcess;
  let uri: string;
  let tcpURI: string;
  let conn: Connection;
  let init: number;
  beforeAll(async () => {
    addDriverImporter((s) => import(s));
    const port = await freePort();
    d = await startDaemon(['--listen', `tcp://127.0.0.1:${port}`]);
    uri = `lxc+unix:///system?socket=${d.rw}`;
    tcpURI = `lxc+tcp://127.0.0.1:${port}/system`;
    conn = await connect(uri);
    await conn.createXML(echoContainerXML(name, busyboxRootfs(join(dir, 'rootfs'))));
  }, 60_000);
  afterAll(async () => {
    for (const dom of await conn.listAllDomains(1).catch(() => [])) await dom.destroy().catch(() => undefined);
    await conn?.close();
    await d?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a tsvirt client receives init\'s namespaces', async () => {
    const ns = await (await conn.lookupByName(name)).lxcOpenNamespace();
    init = ns.pid;
    expect(init).toBeGreaterThan(1);
    expect(ns.namespaces.length).toBeGreaterThan(3);
    for (const n of ns.namespaces) expect(readlinkSync(n.path)).toBe(readlinkSync(`/proc/${init}/ns/${n.kind}`));
    // the container's own namespaces, not the daemon's
    expect(readlinkSync(`/proc/${init}/ns/mnt`)).not.toBe(readlinkSync('/proc/self/ns/mnt'));
  });

  it('python3-libvirt receives the same descriptors', () => {
    const lines = pythonNamespaces(uri, name).trim().split('\n');
    expect(lines.length).toBeGreaterThan(3);
    for (const line of lines) {
      const kind = line.split(':')[0]!;
      expect(line).toBe(readlinkSync(`/proc/${init}/ns/${kind}`));
    }
  });

  it('over TCP, which cannot carry descriptors, the call is NO_SUPPORT saying so and nothing leaks', () => {
    const before = spawnSync('ls', [`/proc/${d.child.pid}/fd`], { encoding: 'utf8' }).stdout.split('\n').length;
    expect(pythonNamespaces(tcpURI, name)).toBe('3 this function is not supported by the connection driver: virDomainLxcOpenNamespace: file descriptor passing is not available: only a unix socket carries descriptors\n');
    const after = spawnSync('ls', [`/proc/${d.child.pid}/fd`], { encoding: 'utf8' }).stdout.split('\n').length;
    expect(after).toBe(before);
  });
});
