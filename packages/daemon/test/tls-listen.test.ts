import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDriverImporter, connect } from '@tsvirt/api';
import { ErrorCode } from '@tsvirt/util';
import { virErrorOf } from '@tsvirt/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startDaemon, type DaemonProcess } from './helpers/daemon-process.js';
import { freePort, issue, makeCA } from './helpers/tls-certs.js';

describe('tsvirtd --listen tls://: libvirt\'s TLS transport with client certificates', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirtd-tls-${process.pid}-`));
  const [ca, other, server, client, stranger] = ['ca', 'other-ca', 'server', 'client', 'stranger'].map((d) => join(dir, d)) as [string, string, string, string, string];
  let d: DaemonProcess;
  let port: number;
  beforeAll(async () => {
    addDriverImporter((s) => import(s));
    makeCA(ca);
    makeCA(other);
    issue(ca, server, 'server');
    issue(ca, client, 'client');
    issue(other, stranger, 'client');
    port = await freePort();
    d = await startDaemon(['--listen', `tls://127.0.0.1:${port}`, '--pkipath', server]);
  }, 120_000);
  afterAll(async () => {
    await d?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it('Debian\'s virsh over test+tls:// prints what it prints for test:///default', () => {
    const over = spawnSync('virsh', ['-c', `test+tls://localhost:${port}/default?pkipath=${client}`, 'list --all; domstate test --reason; net-list; uri'], { encoding: 'utf8', timeout: 60_000 });
    const local = spawnSync('virsh', ['-c', 'test:///default', 'list --all; domstate test --reason; net-list'], { encoding: 'utf8', timeout: 60_000 });
    expect(over.stderr).toBe('');
    expect(over.stdout).toBe(`${local.stdout}test+tls://localhost:${port}/default?pkipath=${client}\n\n`);
  });

  it('a tsvirt client; python3-libvirt sees the transport as secure (CONNECT_IS_SECURE)', async () => {
    const conn = await connect(`test+tls://localhost:${port}/default?pkipath=${client}`);
    expect((await conn.listAllDomains()).map((x) => x.getName())).toEqual(['test']);
    await conn.close();
    const py = spawnSync('/usr/bin/python3', ['-c', 'import libvirt, sys; print(libvirt.open(sys.argv[1]).isSecure())', `test+tls://localhost:${port}/default?pkipath=${client}`], { encoding: 'utf8', timeout: 60_000 });
    expect(py.stdout).toBe('1\n');
  });

  it('a client whose certificate another CA signed is refused, and the daemon keeps serving', async () => {
    copyFileSync(join(ca, 'cacert.pem'), join(stranger, 'cacert.pem'));
    const e = await virErrorOf(connect(`test+tls://localhost:${port}/default?pkipath=${stranger}`));
    expect(e.code).toBe(ErrorCode.AUTH_FAILED);
    const virsh = spawnSync('virsh', ['-c', `test+tls://localhost:${port}/default?pkipath=${stranger}`, 'uri'], { encoding: 'utf8', timeout: 60_000 });
    expect(virsh.status).toBe(1);
    const conn = await connect(`test+tls://localhost:${port}/default?pkipath=${client}`);
    expect(await conn.getHostname()).toEqual(expect.any(String));
    await conn.close();
  });

  it('missing server files stop the start with libvirt\'s words, leaving no socket behind', () => {
    const at = join(dir, 'bad');
    const r = spawnSync(process.execPath, [CLI, '--root', join(at, 'root'), '--socket-dir', at, '--listen', 'tls://127.0.0.1:0', '--pkipath', join(dir, 'nowhere')], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`Cannot read CA certificate '${join(dir, 'nowhere', 'cacert.pem')}': No such file or directory`);
    expect(existsSync(join(at, 'tsvirt-sock'))).toBe(false);
  });
});
