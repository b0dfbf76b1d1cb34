/**
 * A private libvirtd for tests: its own config, sockets, pid file and an empty driver directory,
 * so it serves only the drivers built into libvirt (test:///default) and touches nothing of the
 * machine's own libvirtd.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface PrivateLibvirtd {
  /** The read-write socket. */
  readonly socket: string;
  /** `test+unix:///default?socket=...` for it. */
  readonly uri: string;
  /** Its temporary directory. */
  readonly dir: string;
  readonly process: ChildProcess;
  /** Stops it and removes its directory. */
  stop(): Promise<void>;
}

/** Why libvirtd cannot run here, or null when it can. */
export function libvirtdMissing(): string | null {
  if (!existsSync('/usr/sbin/libvirtd')) return 'libvirtd is not installed (Debian package libvirt-daemon)';
  if (process.getuid?.() !== 0) return 'a private libvirtd needs root';
  return null;
}

/**
 * Starts a private libvirtd; `extraConf` lines are appended to its libvirtd.conf. `listen` adds
 * `--listen` (TCP and TLS sockets, as the config enables them).
 */
export async function startLibvirtd(extraConf = '', options: { listen?: boolean } = {}): Promise<PrivateLibvirtd> {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-remote-${process.pid}-`));
  for (const d of ['run', 'drv', 'xdg', 'cfg', 'cache']) mkdirSync(join(dir, d));
  writeFileSync(
    join(dir, 'libvirtd.conf'),
    [
      `unix_sock_dir = "${dir}/run"`,
      'auth_unix_rw = "none"',
      'auth_unix_ro = "none"',
      'unix_sock_rw_perms = "0777"',
      ...(/listen_tls/.test(extraConf) ? [] : ['listen_tls = 0']),
      ...(/listen_tcp/.test(extraConf) ? [] : ['listen_tcp = 0']),
      extraConf,
    ].join('\n') + '\n',
  );
  const args = ['-f', join(dir, 'libvirtd.conf'), '-p', join(dir, 'pid'), ...(options.listen ? ['--listen'] : [])];
  const child = spawn('/usr/sbin/libvirtd', args, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      LIBVIRT_DRIVER_DIR: join(dir, 'drv'),
      XDG_RUNTIME_DIR: join(dir, 'xdg'),
      XDG_CONFIG_HOME: join(dir, 'cfg'),
      XDG_CACHE_HOME: join(dir, 'cache'),
    },
  });
  const socket = join(dir, 'run', 'libvirt-sock');
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  child.once('exit', () => (exited = true));
  for (let i = 0; i < 200 && !existsSync(socket); i++) {
    if (exited) throw new Error(`libvirtd exited at start: ${stderr.trim()}`);
    await sleep(25);
  }
  if (!existsSync(socket)) throw new Error(`libvirtd did not listen on ${socket}`);
  return {
    socket,
    uri: `test+unix:///default?socket=${socket}`,
    dir,
    process: child,
    async stop() {
      if (!exited) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await Promise.race([gone, sleep(3000)]);
        if (!exited) child.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
