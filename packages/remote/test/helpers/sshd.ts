/** An sshd on 127.0.0.1 with a host key and a client key the test makes, root's login by key only. */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TestSSHD {
  readonly port: number;
  readonly keyfile: string;
  readonly knownHosts: string;
  readonly process: ChildProcess;
  stop(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startSSHD(dir: string): Promise<TestSSHD> {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => join(dir, n);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f('hostkey')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', f('clientkey')]);
  writeFileSync(f('authorized_keys'), readFileSync(f('clientkey.pub')));
  const port = await freePort();
  writeFileSync(f('known_hosts'), `[127.0.0.1]:${port} ${readFileSync(f('hostkey.pub'), 'utf8')}`);
  writeFileSync(f('sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${f('hostkey')}`, `AuthorizedKeysFile ${f('authorized_keys')}`,
    'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'UsePAM no', 'StrictModes no', `PidFile ${f('sshd.pid')}`,
  ].join('\n') + '\n');
  // the privilege separation directory the openssh-server package makes at boot
  if (!existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', f('sshd_config')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const up = await new Promise((r) => net.connect(port, '127.0.0.1').once('connect', function (this: net.Socket) { this.destroy(); r(true); }).once('error', () => r(false)));
    if (up) break;
    await sleep(50);
  }
  return { port, keyfile: f('clientkey'), knownHosts: f('known_hosts'), process: child, stop: () => void child.kill() };
}
