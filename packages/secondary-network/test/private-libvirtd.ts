import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';
import { TestHost, sh } from './netns.js';

/** Directories libvirtd (root) writes to; each gets a private tmpfs in the daemon's mount namespace. */
const PRIVATE_DIRS = ['/run/libvirt', '/var/lib/libvirt', '/etc/libvirt', '/var/cache/libvirt', '/var/log/libvirt'];

/**
 * Debian's libvirtd 9.0 as an oracle that cannot touch the host: inside a network namespace the
 * test made, in its own mount namespace with empty tmpfs over its state and config directories,
 * its socket in a directory of the test's. Its files are read through /proc/PID/root.
 */
export class PrivateLibvirtd {
  private readonly proc: ChildProcess;
  readonly socket: string;

  private constructor(readonly ns: string, dir: string) {
    const sockDir = join(dir, 'sock');
    mkdirSync(sockDir, { recursive: true });
    this.socket = join(sockDir, 'libvirt-sock');
    const conf = join(dir, 'libvirtd.conf');
    writeFileSync(conf, `unix_sock_dir = "${sockDir}"\nauth_unix_rw = "none"\nauth_unix_ro = "none"\nlog_filters = "1:util.command"\nlog_outputs = "1:file:${dir}/libvirtd.log"\n`);
    const mounts = PRIVATE_DIRS.map((d) => `mkdir -p ${d} && mount -t tmpfs tmpfs ${d}`).join(' && ');
    this.proc = spawn('ip', ['netns', 'exec', ns, 'unshare', '-m', '--propagation', 'private', 'sh', '-c', `${mounts} && exec libvirtd -f ${conf} -p ${join(dir, 'libvirtd.pid')}`],
      { stdio: 'ignore' });
  }

  static async start(ns: string, dir: string): Promise<PrivateLibvirtd> {
    const d = new PrivateLibvirtd(ns, dir);
    for (let i = 0; i < 300 && !existsSync(d.socket); i++) await sleep(50);
    if (!existsSync(d.socket)) throw new Error('libvirtd did not start');
    return d;
  }

  get uri(): string {
    return `network:///system?socket=${this.socket}`;
  }

  /** Runs virsh against this daemon from inside its network namespace. */
  virsh(...args: string[]): string {
    return sh('ip', ['netns', 'exec', this.ns, 'virsh', '-q', '-c', this.uri, ...args]);
  }

  /** A file as the daemon sees it (in its private mount namespace); `ip netns exec`, unshare and sh exec into libvirtd, so the pid is its own. */
  file(path: string): string {
    return readFileSync(`/proc/${this.proc.pid}/root${path}`, 'utf8');
  }

  stop(): void {
    this.proc.kill('SIGTERM');
  }
}

/** Two test hosts, ours and one running a private libvirtd, made before the tests of a file and removed after. */
export interface OraclePair {
  ours: TestHost;
  theirs: TestHost;
  libvirtd: PrivateLibvirtd;
}

export function useOraclePair(): OraclePair {
  const pair = {} as OraclePair;
  beforeAll(async () => {
    pair.ours = new TestHost();
    pair.theirs = new TestHost();
    pair.libvirtd = await PrivateLibvirtd.start(pair.theirs.ns, pair.theirs.root);
  });
  afterAll(() => {
    pair.libvirtd?.stop();
    pair.theirs?.remove();
    pair.ours?.remove();
  });
  return pair;
}
