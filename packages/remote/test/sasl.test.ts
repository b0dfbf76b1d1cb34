import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, ConnectCredentialType, ErrorCode, ErrorDomain, type ConnectAuth, type ConnectCredential } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';
import { freePort } from './helpers/sshd.js';
import { makeCerts, type TLSFiles } from './helpers/tls-certs.js';

const SASLPASSWD = '/usr/sbin/saslpasswd2';
const PLUGINS = '/usr/lib/x86_64-linux-gnu/sasl2/libscram.so';
const missing = [SASLPASSWD, PLUGINS].filter((p) => !existsSync(p));
const ci = process.env.CI === 'true';
if (missing.length && !ci) console.log(`SASL tests skipped: ${missing.join(', ')} missing (Debian packages sasl2-bin, libsasl2-modules)`);
const suite = missing.length && !ci ? daemonSuite('SASL tests').skip : daemonSuite('SASL tests');
const PY_SASL = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'py-sasl.py');

const USER = 'alice';
const PASSWORD = 'pa55 wörd';

/** An auth callback answering every credential, recording what it was asked. */
function answering(password = PASSWORD): ConnectAuth & { asked: ConnectCredential[] } {
  const asked: ConnectCredential[] = [];
  return {
    asked,
    credtype: [ConnectCredentialType.AUTHNAME, ConnectCredentialType.USERNAME, ConnectCredentialType.PASSPHRASE],
    callback(creds) {
      for (const c of creds) {
        asked.push({ ...c });
        c.result = c.type === ConnectCredentialType.PASSPHRASE ? password : USER;
      }
    },
  };
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const up = await new Promise<boolean>((ok) => {
      const s = netConnect(port, '127.0.0.1', () => {
        s.destroy();
        ok(true);
      });
      s.once('error', () => ok(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`libvirtd did not listen on ${port}`);
}

suite('SASL authentication against libvirtd (auth_tls and auth_tcp = "sasl")', { timeout: 30_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-sasl-${process.pid}-`));
  let daemon: PrivateLibvirtd;
  let certs: TLSFiles;
  let tls: string;
  let tcp: string;
  beforeAll(async () => {
    const conf = join(dir, 'sasl');
    mkdirSync(conf);
    const db = join(dir, 'passwd.db');
    writeFileSync(join(conf, 'libvirt.conf'), `mech_list: plain scram-sha-256 scram-sha-1 digest-md5\nsasldb_path: ${db}\n`);
    execFileSync(SASLPASSWD, ['-p', '-c', '-a', 'libvirt', '-f', db, USER], { input: PASSWORD });
    certs = makeCerts(join(dir, 'pki'));
    const [tlsPort, tcpPort] = [await freePort(), await freePort()];
    daemon = await startLibvirtd([
      'listen_tcp = 1', 'listen_tls = 1', 'listen_addr = "127.0.0.1"', `tcp_port = "${tcpPort}"`, `tls_port = "${tlsPort}"`,
      'auth_tcp = "sasl"', 'auth_tls = "sasl"',
      `key_file = "${certs.serverKey}"`, `cert_file = "${certs.serverCert}"`, `ca_file = "${certs.caCert}"`,
    ].join('\n'), { listen: true, env: { SASL_CONF_PATH: conf } });
    await Promise.all([waitForPort(tlsPort), waitForPort(tcpPort)]);
    tls = `test+tls://localhost:${tlsPort}/default?pkipath=${certs.clientDir}`;
    tcp = `test+tcp://127.0.0.1:${tcpPort}/default`;
  }, 60_000);
  afterAll(async () => {
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** python3-libvirt's credentials and outcomes for `uri`, the oracle. */
  const python = (uri: string, password: string) =>
    spawnSync('/usr/bin/python3', [PY_SASL, uri, USER, password], { encoding: 'utf8', timeout: 30_000 }).stdout.split('\n');

  it('over TLS: the credentials libvirt asks, in its words, then a working connection (SCRAM-SHA-256 by default)', async () => {
    const auth = answering();
    const conn = await connect(tls, { auth });
    expect((await conn.listAllDomains()).map((d) => d.getName())).toEqual(['test']);
    await conn.close();
    const asked = auth.asked.map((c) => `cred ${c.type} ${c.prompt}|${c.challenge}`);
    expect(asked).toEqual(python(tls, PASSWORD).filter((l) => l.startsWith('cred ')));
  });

  it.each(['PLAIN', 'SCRAM-SHA-1', 'SCRAM-SHA-256'])('auth=sasl.%s', async (mech) => {
    const conn = await connect(`${tls}&auth=sasl.${mech}`, { auth: answering() });
    expect(await conn.getHostname()).not.toBe('');
    await conn.close();
  });

  it('a wrong password, no callback: the errors python3-libvirt gets', async () => {
    const [, , , withAuth, none] = python(tls, 'wrong');
    const bad = await virErrorOf(connect(tls, { auth: answering('wrong') }));
    expect(`auth error ${bad.code} ${bad.domain} ${bad.message}`).toBe(withAuth);
    expect([bad.code, bad.domain]).toEqual([ErrorCode.AUTH_FAILED, ErrorDomain.RPC]);
    const noCallback = await virErrorOf(connect(tls));
    expect(`none error ${noCallback.code} ${noCallback.domain} ${noCallback.message}`).toBe(none);
  });

  it('a mechanism the server does not offer (names are case-sensitive, as libvirt\'s), a callback that refuses', async () => {
    const lower = await virErrorOf(connect(`${tls}&auth=sasl.plain`, { auth: answering() }));
    expect([lower.code, lower.domain, lower.message]).toEqual([
      ErrorCode.AUTH_FAILED, ErrorDomain.REMOTE, 'authentication failed: SASL mechanism plain not supported by server',
    ]);
    const refusing: ConnectAuth = { credtype: [ConnectCredentialType.AUTHNAME, ConnectCredentialType.PASSPHRASE], callback: () => {
      throw new Error('no');
    } };
    const refused = await virErrorOf(connect(tls, { auth: refusing }));
    expect(refused.message).toBe('authentication failed: Failed to collect auth credentials');
    const noPassword = await virErrorOf(connect(tls, { auth: { credtype: [ConnectCredentialType.AUTHNAME], callback: () => undefined } }));
    expect(noPassword.message).toBe('authentication failed: Failed to start SASL negotiation: -4 (SASL(-4): no mechanism available: No worthy mechs found)');
  });

  it('refused, in libvirt\'s words: DIGEST-MD5 (its security layer is not implemented), and so plain TCP, where libvirtd offers nothing else; GSSAPI', async () => {
    const noWorthy = 'authentication failed: Failed to start SASL negotiation: -4 (SASL(-4): no mechanism available: No worthy mechs found)';
    const digest = await virErrorOf(connect(`${tls}&auth=sasl.DIGEST-MD5`, { auth: answering() }));
    expect([digest.code, digest.message]).toEqual([ErrorCode.AUTH_FAILED, noWorthy]);
    const overTcp = await virErrorOf(connect(tcp, { auth: answering() }));
    expect([overTcp.code, overTcp.message]).toEqual([ErrorCode.AUTH_FAILED, noWorthy]);
    // GSSAPI (Kerberos): neither side has it here, and the error is python3-libvirt's
    const gssapi = await virErrorOf(connect(`${tls}&auth=sasl.GSSAPI`, { auth: answering() }));
    expect(`auth error ${gssapi.code} ${gssapi.domain} ${gssapi.message}`).toBe(python(`${tls}&auth=sasl.GSSAPI`, PASSWORD).find((l) => l.startsWith('auth ')));
    expect(gssapi.code).toBe(ErrorCode.AUTH_FAILED);
  });
});
