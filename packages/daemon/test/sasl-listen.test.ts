import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addDriverImporter, connect, ConnectCredentialType, ErrorCode, ErrorDomain, type ConnectAuth } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { remote, type remote as R } from '@tsvirt/remote/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, startDaemon, waitFor, type DaemonProcess } from './helpers/daemon-process.js';
import { RawClient } from './helpers/raw-client.js';
import { freePort, issue, makeCA } from './helpers/tls-certs.js';

const USER = 'alice';
const PASSWORD = 'pa55 wörd:with colon';
/** python3-libvirt's credentials and outcomes for a SASL daemon (remote's oracle script). */
const PY_SASL = join(import.meta.dirname, '../../remote/test/fixtures/py-sasl.py');
const NO_WORTHY = 'authentication failed: Failed to start SASL negotiation: -4 (SASL(-4): no mechanism available: No worthy mechs found)';

/** An auth callback answering every credential. */
const answering = (password = PASSWORD): ConnectAuth => ({
  credtype: [ConnectCredentialType.AUTHNAME, ConnectCredentialType.USERNAME, ConnectCredentialType.PASSPHRASE],
  callback(creds) {
    for (const c of creds) c.result = c.type === ConnectCredentialType.PASSPHRASE ? password : USER;
  },
});

describe('tsvirtd --auth-tls sasl, --auth-tcp sasl: SASL with a user database', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirtd-sasl-${process.pid}-`));
  const [ca, server, client] = ['ca', 'server', 'client'].map((d) => join(dir, d)) as [string, string, string];
  const users = join(dir, 'users');
  let d: DaemonProcess;
  let tls: string;
  let tcp: string;
  let tcpPort: number;
  beforeAll(async () => {
    addDriverImporter((s) => import(s));
    makeCA(ca);
    issue(ca, server, 'server');
    issue(ca, client, 'client');
    writeFileSync(users, `# tsvirtd's SASL users\n${USER}:${PASSWORD}\nbob:other\n`, { mode: 0o600 });
    const tlsPort = await freePort();
    tcpPort = await freePort();
    d = await startDaemon(['--listen', `tls://127.0.0.1:${tlsPort}`, '--listen', `tcp://127.0.0.1:${tcpPort}`, '--pkipath', server,
      '--auth-tls', 'sasl', '--auth-tcp', 'sasl', '--sasl-users', users], undefined, { env: { TSVIRT_LOG_LEVEL: 'info' } });
    tls = `test+tls://localhost:${tlsPort}/default?pkipath=${client}`;
    tcp = `test+tcp://127.0.0.1:${tcpPort}/default`;
  }, 120_000);
  afterAll(async () => {
    await d?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  const python = (uri: string, password: string): string[] =>
    spawnSync('/usr/bin/python3', [PY_SASL, uri, USER, password], { encoding: 'utf8', timeout: 60_000 }).stdout.split('\n').filter(Boolean);

  it('python3-libvirt over TLS: libvirt\'s prompts, then in with the password and out without, as against libvirtd', () => {
    const creds = ['cred 1 Please enter your authorization name|Authorization Name', 'cred 2 Please enter your authentication name|Authentication Name',
      'cred 5 Please enter your password|Password'];
    expect(python(tls, PASSWORD)).toEqual([...creds, 'auth ok', `none error 45 7 ${NO_WORTHY}`]);
    // what Debian's libvirtd answers a wrong password with (remote's sasl test checks it there)
    expect(python(tls, 'wrong')).toEqual([...creds, 'auth error 45 7 authentication failed: authentication failed', `none error 45 7 ${NO_WORTHY}`]);
  });

  it('Debian\'s virsh over TLS with its credentials file: SCRAM-SHA-256 from libsasl2-modules, then what test:///default prints', async () => {
    const authFile = join(dir, 'auth.conf');
    writeFileSync(authFile, `[credentials-tsv]\nauthname=${USER}\nusername=${USER}\npassword=${PASSWORD}\n\n[auth-libvirt-localhost]\ncredentials=tsv\n`, { mode: 0o600 });
    const env = { ...process.env, LIBVIRT_AUTH_FILE: authFile };
    const over = spawnSync('virsh', ['-c', tls, 'list --all; net-list'], { encoding: 'utf8', timeout: 60_000, env });
    const local = spawnSync('virsh', ['-c', 'test:///default', 'list --all; net-list'], { encoding: 'utf8', timeout: 60_000 });
    expect(over.stderr).toBe('');
    expect(over.stdout).toBe(local.stdout);
    // the mechanism Debian's SASL library picked, from the daemon's log (read once spawnSync lets the loop run)
    await waitFor(() => d.stderr().includes(`authenticated as '${USER}' (SCRAM-SHA-256)`), 10_000, 'the SCRAM-SHA-256 login in the log');
    // over plain TCP libvirt's client asks for a security layer (SSF 56), which SCRAM has not
    const plainTcp = spawnSync('virsh', ['-c', tcp, 'uri'], { encoding: 'utf8', timeout: 60_000, env });
    expect(plainTcp.status).toBe(1);
    expect(plainTcp.stderr).toContain('No worthy mechs found');
  });

  it.each(['SCRAM-SHA-256', 'SCRAM-SHA-1', 'PLAIN'])('a tsvirt client over TLS with auth=sasl.%s', async (mech) => {
    const conn = await connect(`${tls}&auth=sasl.${mech}`, { auth: answering() });
    expect((await conn.listAllDomains()).map((x) => x.getName())).toEqual(['test']);
    await conn.close();
    const bad = await virErrorOf(connect(`${tls}&auth=sasl.${mech}`, { auth: answering('wrong') }));
    expect([bad.code, bad.domain, bad.message]).toEqual([ErrorCode.AUTH_FAILED, ErrorDomain.RPC, 'authentication failed: authentication failed']);
  });

  it('plain TCP: SCRAM when the URI names it (the password never crosses), never PLAIN', async () => {
    const conn = await connect(`${tcp}?auth=sasl.SCRAM-SHA-256`, { auth: answering() });
    expect(await conn.getHostname()).toEqual(expect.any(String));
    await conn.close();
    const plain = await virErrorOf(connect(`${tcp}?auth=sasl.PLAIN`, { auth: answering() }));
    expect(plain.message).toBe('authentication failed: SASL mechanism PLAIN not supported by server');
    const unnamed = await virErrorOf(connect(tcp, { auth: answering() }));
    expect(unnamed.message).toBe(NO_WORTHY);
  });

  it('before authenticating, a client gets nothing but the authentication calls', async () => {
    const raw = await RawClient.open({ host: '127.0.0.1', port: tcpPort });
    try {
      expect(await raw.call(remote.REMOTE_PROC_AUTH_LIST)).toEqual({ types: [remote.REMOTE_AUTH_SASL] });
      for (const proc of [remote.REMOTE_PROC_CONNECT_OPEN, remote.REMOTE_PROC_CONNECT_SUPPORTS_FEATURE]) {
        const args = proc === remote.REMOTE_PROC_CONNECT_OPEN ? { name: 'test:///default', flags: 0 } : { feature: 10 };
        const e = (await raw.call(proc, args).catch((x: unknown) => x)) as R.remote_error;
        expect([e.code, e.domain]).toEqual([ErrorCode.RPC, ErrorDomain.RPC]);
        expect(e.message).toMatch(/authentication required$/);
      }
      expect(await raw.call(remote.REMOTE_PROC_AUTH_SASL_INIT)).toEqual({ mechlist: 'SCRAM-SHA-256,SCRAM-SHA-1' });
      const e = (await raw.call(remote.REMOTE_PROC_AUTH_SASL_START, { mech: 'PLAIN', nil: 0, data: [] }).catch((x: unknown) => x)) as R.remote_error;
      expect([e.code, e.message]).toEqual([ErrorCode.AUTH_FAILED, 'authentication failed: authentication failed']);
    } finally {
      raw.socket.destroy();
    }
  });

  it('a user database others can read, or none, stops the start', () => {
    const open = join(dir, 'open-users');
    writeFileSync(open, `${USER}:x\n`, { mode: 0o644 });
    const at = join(dir, 'bad');
    const run = (...extra: string[]) => spawnSync(process.execPath, [CLI, '--root', join(at, 'root'), '--socket-dir', at, '--listen', 'tcp://127.0.0.1:0', ...extra],
      { encoding: 'utf8', timeout: 60_000 });
    const readable = run('--auth-tcp', 'sasl', '--sasl-users', open);
    expect(readable.status).toBe(1);
    expect(readable.stderr).toContain(`cannot use the SASL user database '${open}': it must not be accessible to other users (chmod 600)`);
    const none = run('--auth-tcp', 'sasl');
    expect([none.status, none.stderr]).toEqual([1, 'tsvirtd: SASL authentication needs --sasl-users FILE\n']);
  });
});
