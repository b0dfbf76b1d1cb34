// Debian's qemu-ga run on the host, listening on a unix socket: the real agent protocol, with no
// guest. Calls that would act on the host (freeze, trim, passwords, keys, shutdown, vcpus) are
// blocked with `-b`, so the agent refuses them in its own words.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/** Agent commands that change the host; every host agent refuses them. */
export const HOST_UNSAFE = [
  'guest-fsfreeze-freeze', 'guest-fsfreeze-freeze-list', 'guest-fsfreeze-thaw', 'guest-fstrim', 'guest-set-user-password',
  'guest-ssh-add-authorized-keys', 'guest-ssh-remove-authorized-keys', 'guest-shutdown', 'guest-set-vcpus', 'guest-set-time',
  'guest-suspend-disk', 'guest-suspend-ram', 'guest-suspend-hybrid', 'guest-set-memory-blocks', 'guest-exec', 'guest-file-open',
];

/** Whether qemu-ga is installed (Debian's qemu-guest-agent); the reason to print when it is not. */
export function qemuGaMissing(): string | undefined {
  const r = spawnSync('qemu-ga', ['-V'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'qemu-ga is not installed (Debian package qemu-guest-agent)';
}

/** Whether a unix socket bound at `path` accepts connections (`__SO_ACCEPTCON` in /proc/net/unix). */
function listening(path: string): boolean {
  return readFileSync('/proc/net/unix', 'utf8')
    .split('\n')
    .some((line) => line.endsWith(` ${path}`) && line.split(/\s+/)[3] === '00010000');
}

/** One qemu-ga process with its own socket, state directory and pid file. */
export class HostAgent {
  readonly dir = mkdtempSync(join(tmpdir(), 'tsvirt-qga-'));
  readonly socket = join(this.dir, 'qga.sock');
  #proc: ChildProcess | undefined;

  /** Starts the agent with `blocked` commands refused, and waits for its socket. */
  async start(blocked: readonly string[] = HOST_UNSAFE): Promise<this> {
    this.#proc = spawn('qemu-ga', ['-m', 'unix-listen', '-p', this.socket, '-t', this.dir, '-f', join(this.dir, 'qga.pid'), '-b', blocked.join(',')], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // The socket's file appears at bind, before listen: a client connecting then is refused.
    for (let i = 0; i < 200 && !listening(this.socket); i++) await sleep(50);
    if (!listening(this.socket)) throw new Error(`qemu-ga did not listen on ${this.socket}`);
    return this;
  }

  get pid(): number {
    return this.#proc?.pid ?? -1;
  }

  /** Stops (SIGSTOP) or continues (SIGCONT) the agent: a stopped agent is one that does not answer. */
  pause(paused: boolean): void {
    this.#proc?.kill(paused ? 'SIGSTOP' : 'SIGCONT');
  }

  async stop(): Promise<void> {
    const p = this.#proc;
    this.#proc = undefined;
    if (p && p.exitCode === null) {
      const exited = new Promise((resolve) => p.once('exit', resolve));
      p.kill('SIGCONT');
      p.kill('SIGKILL');
      await exited;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
