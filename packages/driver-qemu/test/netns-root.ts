import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const TSVIRSH = join(import.meta.dirname, '../../../tsvirsh');

/** What a tsvirsh run printed and how it ended. */
export interface VirshRun {
  readonly out: string;
  readonly err: string;
  readonly status: number | null;
}

/**
 * An embed root whose every tsvirsh command runs inside a network namespace of its own (the
 * network driver's bridges, dnsmasq and the guests' taps live there), removed with everything
 * started inside it.
 */
export class NetnsRoot {
  /** Short and unique: it goes into interface names (15 bytes at most). */
  readonly tag = randomBytes(3).toString('hex');
  readonly ns = `tsvq-${process.pid}-${this.tag}`;
  readonly dir = mkdtempSync(join(tmpdir(), 'tsvirt-qnet-'));
  readonly uri = `qemu:///embed?root=${this.dir}`;
  readonly #others: string[] = [];

  constructor() {
    // dnsmasq, running as its own user, reads its files under the root.
    chmodSync(this.dir, 0o755);
    execFileSync('ip', ['netns', 'add', this.ns]);
    this.exec('ip', 'link', 'set', 'lo', 'up');
  }

  /** A command inside the namespace; its output. */
  exec(cmd: string, ...args: string[]): string {
    return execFileSync('ip', ['netns', 'exec', this.ns, cmd, ...args], { encoding: 'utf8' });
  }

  /** A second namespace (a guest's), removed with this one. */
  namespace(role: string): string {
    const ns = `${this.ns}-${role}`;
    execFileSync('ip', ['netns', 'add', ns]);
    this.#others.push(ns);
    return ns;
  }

  virsh(...args: string[]): VirshRun {
    const r = spawnSync('ip', ['netns', 'exec', this.ns, TSVIRSH, '-c', this.uri, ...args], { encoding: 'utf8', timeout: 120_000 });
    return { out: r.stdout, err: r.stderr, status: r.status };
  }

  /** Writes a file under the root; its path. */
  file(name: string, text: string): string {
    const path = join(this.dir, name);
    writeFileSync(path, text);
    return path;
  }

  /** The guest taps (`vnetN`) in the namespace. */
  taps(): string[] {
    return this.exec('ip', '-o', 'link').split('\n').map((l) => /^\d+: (vnet\d+)[:@]/.exec(l)?.[1]).filter((t): t is string => t !== undefined);
  }

  remove(): void {
    for (const ns of [this.ns, ...this.#others]) {
      for (const pid of execFileSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).split('\n').filter(Boolean).map(Number)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      execFileSync('ip', ['netns', 'del', ns]);
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}
