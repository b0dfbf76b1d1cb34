import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, ConnectCredentialType, ErrorCode, type ConnectAuth, type ConnectCredential } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';
import { freePort, startSSHD, type TestSSHD } from './helpers/sshd.js';
import { makeCerts, type TLSFiles } from './helpers/tls-certs.js';

const suite = daemonSuite('transport tests');
const here = dirname(fileURLToPath(import.meta.url));
const TSVIRSH = resolve(here, '../../../tools/virsh/test/oracle/tsvirsh-node.sh');
/** Starts Debian's system libvirtd when it is not up: `virt-ssh-helper` reaches the system socket. */
const LIBVIRTD_UP = resolve(here, '../../driver-qemu/scripts/libvirtd-up.sh');

/** Opens, lists and closes: the transport carried a whole session. */
async function listVia(uri: string, auth?: ConnectAuth): Promise<string[]> {
  const conn = await connect(uri, { auth });
  try {
    return (await conn.listAllDomains()).map((d) => d.getName());
  } finally {
    await conn.close();
  }
}

// Each test runs several ssh logins and virsh runs, every one bounded; at CI's load one test takes over 30 s.
suite('transports', { timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-transports-${process.pid}-`));
  let daemon: PrivateLibvirtd;
  let tcpPort: number;
  let tlsPort: number;
  let certs: TLSFiles;
  let sshd: TestSSHD;
  beforeAll(async () => {
    [tcpPort, tlsPort] = [await freePort(), await freePort()];
    certs = makeCerts(join(dir, 'pki'));
    daemon = await startLibvirtd([
      'listen_tcp = 1', 'listen_tls = 1', 'listen_addr = "127.0.0.1"', `tcp_port = "${tcpPort}"`, `tls_port = "${tlsPort}"`,
      'auth_tcp = "none"', 'auth_tls = "none"',
      `key_file = "${certs.serverKey}"`, `cert_file = "${certs.serverCert}"`, `ca_file = "${certs.caCert}"`,
    ].join('\n'), { listen: true });
    sshd = await startSSHD(join(dir, 'ssh'));
  }, 60_000);
  afterAll(async () => {
    sshd?.stop();
    await daemon?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tcp (auth none)', async () => {
    expect(await listVia(`test+tcp://127.0.0.1:${tcpPort}/default`)).toEqual(['test']);
  });

  it('tls with the certificates in pkipath=, checked against the CA and the host name', async () => {
    expect(await listVia(`test+tls://localhost:${tlsPort}/default?pkipath=${certs.clientDir}`)).toEqual(['test']);
  });

  it('tls refuses a server whose name the certificate does not carry, unless no_verify=1', async () => {
    // the certificate names localhost, not 127.0.0.1
    const e = await virErrorOf(connect(`test+tls://127.0.0.1:${tlsPort}/default?pkipath=${certs.clientDir}`));
    expect([e.code, e.message]).toEqual([ErrorCode.AUTH_FAILED, expect.stringMatching(/^authentication failed: Unable to verify TLS peer: .*127\.0\.0\.1/)]);
    expect(await listVia(`test+tls://127.0.0.1:${tlsPort}/default?pkipath=${certs.clientDir}&no_verify=1`)).toEqual(['test']);
    const other = makeCerts(join(dir, 'other-pki'));
    const bad = await virErrorOf(connect(`test+tls://localhost:${tlsPort}/default?pkipath=${other.clientDir}`));
    // a certificate of another CA: we refuse the server, and the server refuses us
    expect(bad.message).toMatch(/Unable to verify TLS peer/);
    const missingFiles = await virErrorOf(connect(`test+tls://localhost:${tlsPort}/default?pkipath=${dir}/none`));
    expect(missingFiles.message).toBe(`Cannot read CA certificate '${dir}/none/cacert.pem': No such file or directory`);
  });

  it('ssh with keyfile=, known_hosts=, no_tty=, netcat= to the daemon\'s socket=', async () => {
    const q = `keyfile=${sshd.keyfile}&known_hosts=${sshd.knownHosts}&no_tty=1&socket=${daemon.socket}`;
    expect(await listVia(`test+ssh://root@127.0.0.1:${sshd.port}/default?${q}`)).toEqual(['test']);
    expect(await listVia(`test+ssh://root@127.0.0.1:${sshd.port}/default?${q}&netcat=/usr/bin/nc`)).toEqual(['test']);
  });

  it('ssh runs the command line Debian\'s virsh runs, virt-ssh-helper included, and tsvirsh prints what virsh prints', () => {
    execFileSync(LIBVIRTD_UP, { stdio: 'inherit' });
    // an ssh (command=) that records its arguments, one a line, and trusts the test's host key
    const log = join(dir, 'ssh-args');
    const ssh = join(dir, 'ssh-recording');
    const recording = (path: string, knownHosts: string) => {
      writeFileSync(path, `#!/bin/sh\nfor a in "$@"; do printf '%s\\n' "$a"; done > '${log}'\nexec ssh -o UserKnownHostsFile='${knownHosts}' "$@"\n`);
      chmodSync(path, 0o755);
    };
    recording(ssh, sshd.knownHosts);
    // one that knows no host key: ssh exits before reading what the client sent (a reset)
    const untrusting = join(dir, 'ssh-untrusting');
    recording(untrusting, '/dev/null');
    const base = `test+ssh://root@127.0.0.1:${sshd.port}/default?keyfile=${sshd.keyfile}&command=${ssh}&no_tty=1`;
    const run = (file: string, args: string[]) => {
      const r = spawnSync(file, args, { encoding: 'utf8', timeout: 60_000 });
      return { out: r.stdout, err: r.stderr, rc: r.status, ssh: readFileSync(log, 'utf8') };
    };
    const cases: [string, string[]][] = [
      [`socket=${daemon.socket}`, ['list', '--all']],
      [`netcat=/usr/bin/nc&socket=${daemon.socket}`, ['list', '--all']],
      ['proxy=native', ['hostname']],
      ['proxy=native&foo=bar', ['hostname']],
      ['proxy=auto', ['hostname']],
      ['', ['hostname']],
      ['proxy=netcat', ['-r', 'hostname']],
      // the far side's command fails after ssh read the call: end of file, with its words
      ["netcat=n'c", ['hostname']],
    ];
    const uris = [...cases.map(([query, cmd]) => [`${base}&${query}`, cmd] as const),
      [`test+ssh://root@127.0.0.1:${sshd.port}/default?keyfile=${sshd.keyfile}&command=${untrusting}&no_tty=1`, ['hostname']] as const];
    for (const [uri, cmd] of uris) {
      const ro = cmd[0] === '-r' ? ['-r'] : [];
      const args = [...ro, '-c', uri, ...cmd.slice(ro.length)];
      const virsh = run('/usr/bin/virsh', args);
      expect(run(TSVIRSH, args), uri).toEqual(virsh);
    }
    // the helper served them: the far side ran virt-ssh-helper, and the system libvirtd answered
    expect(run('/usr/bin/virsh', ['-c', `${base}&proxy=native`, 'hostname']).ssh).toContain("sh -c 'virt-ssh-helper 'test:///default''");
  });

  it('ssh asks the auth callback for a key\'s passphrase (SSH_ASKPASS), a refusal fails the login', async () => {
    const key = join(dir, 'ssh', 'enckey');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'open sesame', '-f', key]);
    appendFileSync(join(dir, 'ssh', 'authorized_keys'), readFileSync(`${key}.pub`));
    const uri = `test+ssh://root@127.0.0.1:${sshd.port}/default?keyfile=${key}&known_hosts=${sshd.knownHosts}&socket=${daemon.socket}`;
    const asked: ConnectCredential[] = [];
    const auth = (answer?: string): ConnectAuth => ({
      credtype: [ConnectCredentialType.NOECHOPROMPT, ConnectCredentialType.ECHOPROMPT],
      callback: (creds) => {
        for (const c of creds) {
          asked.push({ ...c });
          if (answer === undefined) throw new Error('no');
          c.result = answer;
        }
      },
    });
    const conn = await connect(uri, { auth: auth('open sesame') });
    expect((await conn.listAllDomains()).map((d) => d.getName())).toEqual(['test']);
    await conn.close();
    expect(asked).toEqual([{ type: ConnectCredentialType.NOECHOPROMPT, prompt: `Enter passphrase for key '${key}':`, challenge: 'ssh' }]);
    const refused = await virErrorOf(connect(uri, { auth: auth() }));
    expect(refused.message).toMatch(/Permission denied/);
  });

  it('ssh asks the auth callback whether to trust an unknown host key (ECHOPROMPT): no refuses, yes connects', async () => {
    const knownHosts = join(dir, 'ssh', 'first-visit');
    writeFileSync(knownHosts, '');
    const uri = `test+ssh://root@127.0.0.1:${sshd.port}/default?keyfile=${sshd.keyfile}&known_hosts=${knownHosts}&socket=${daemon.socket}`;
    const asked: ConnectCredential[] = [];
    const answering = (answer: string): ConnectAuth => ({
      credtype: [ConnectCredentialType.ECHOPROMPT, ConnectCredentialType.NOECHOPROMPT],
      callback: (creds) => {
        for (const c of creds) {
          asked.push({ ...c });
          c.result = answer;
        }
      },
    });
    const refused = await virErrorOf(connect(uri, { auth: answering('no') }));
    // ssh gives up before reading the call: libvirt's reset, with ssh's words
    expect([refused.code, refused.message]).toEqual([ErrorCode.SYSTEM_ERROR, 'Cannot recv data: Host key verification failed.: Connection reset by peer']);
    expect(asked).toEqual([expect.objectContaining({ type: ConnectCredentialType.ECHOPROMPT, challenge: 'ssh', prompt: expect.stringContaining('Are you sure you want to continue connecting (yes/no') })]);
    expect(await listVia(uri, answering('yes'))).toEqual(['test']);
    expect(readFileSync(knownHosts, 'utf8')).toContain('ssh-ed25519');
  });

  it('ssh that cannot log in says what ssh said', async () => {
    const e = await virErrorOf(connect(`test+ssh://nobody@127.0.0.1:${sshd.port}/default?keyfile=${sshd.keyfile}&known_hosts=${sshd.knownHosts}&no_tty=1`));
    expect(e.message).toMatch(/Permission denied/);
  });

  it('ext runs command= and speaks over its stdio', async () => {
    const script = join(dir, 'ext.sh');
    writeFileSync(script, `#!/bin/sh\nexec nc -U ${daemon.socket}\n`);
    chmodSync(script, 0o755);
    expect(await listVia(`test+ext:///default?command=${script}`)).toEqual(['test']);
  });
});
