/**
 * A private libvirtd for tests: its own config, sockets, pid file and an empty driver directory,
 * so it serves only the drivers built into libvirt (test:///default) and touches nothing of the
 * machine's own libvirtd.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
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

/** Whether something accepts connections on a unix socket. */
function accepts(path: string): Promise<boolean> {
  if (!existsSync(path)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const s = connect(path, () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** How a private libvirtd runs beyond its defaults. */
export interface LibvirtdOptions {
  /** Adds `--listen` (TCP and TLS sockets, as the config enables them). */
  readonly listen?: boolean;
  /** Driver modules to load (`storage`, `network`, ...); none by default. */
  readonly drivers?: readonly string[];
  /**
   * Runs it as this unprivileged user id (a per-user "session" daemon, whose drivers keep their
   * state under its own directories, never the system's): needed with `drivers`.
   */
  readonly uid?: number;
  /** More environment for the daemon (`SASL_CONF_PATH` for a private SASL configuration). */
  readonly env?: Readonly<Record<string, string>>;
}

const DRIVER_DIR = '/usr/lib/x86_64-linux-gnu/libvirt/connection-driver';

/** Starts a private libvirtd; `extraConf` lines are appended to its libvirtd.conf. */
export async function startLibvirtd(extraConf = '', options: LibvirtdOptions = {}): Promise<PrivateLibvirtd> {
  const dir = mkdtempSync(join(tmpdir(), `tsvirt-remote-${process.pid}-`));
  for (const d of ['run', 'drv', 'xdg', 'cfg', 'cache']) mkdirSync(join(dir, d));
  if (options.drivers?.length && options.uid === undefined) throw new Error('a private libvirtd loads drivers only as a session daemon (uid)');
  for (const d of options.drivers ?? []) symlinkSync(join(DRIVER_DIR, `libvirt_driver_${d}.so`), join(dir, 'drv', `libvirt_driver_${d}.so`));
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
  if (options.uid !== undefined) execFileSync('chown', ['-R', String(options.uid), dir]);
  const [file, argv] = options.uid === undefined
    ? ['/usr/sbin/libvirtd', args]
    : ['setpriv', [`--reuid=${options.uid}`, `--regid=${options.uid}`, '--clear-groups', '/usr/sbin/libvirtd', ...args]];
  const child = spawn(file, argv, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      LIBVIRT_DRIVER_DIR: join(dir, 'drv'),
      XDG_RUNTIME_DIR: join(dir, 'xdg'),
      XDG_CONFIG_HOME: join(dir, 'cfg'),
      XDG_CACHE_HOME: join(dir, 'cache'),
      ...options.env,
    },
  });
  // a watcher ends the daemon when the process that started it is gone, even killed by a timeout
  // (libvirtd drops a parent-death signal when it changes its credentials)
  const watch = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; ` +
    `if ! kill -0 ${process.pid} 2>/dev/null; then kill ${child.pid} 2>/dev/null; sleep 1; rm -rf '${dir}'; fi`;
  spawn('sh', ['-c', watch], {
    stdio: 'ignore',
    detached: true,
  }).unref();
  const socket = join(dir, 'run', 'libvirt-sock');
  let exited = false;
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d));
  child.once('exit', () => (exited = true));
  // the socket file appears at bind(), before libvirtd accepts: on a loaded machine a client
  // coming in between is refused, so the daemon is up once a connection is taken
  for (let i = 0; i < 400 && !(await accepts(socket)); i++) {
    if (exited) throw new Error(`libvirtd exited at start: ${stderr.trim()}`);
    await sleep(25);
  }
  if (!(await accepts(socket))) throw new Error(`libvirtd did not listen on ${socket}`);
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
