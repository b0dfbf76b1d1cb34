import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STATUS_FILE, type NetworkStatus } from '../src/network-status.js';

export const RUNNER = join(import.meta.dirname, 'fixtures', 'api-runner.mjs');

/** A short unique tag for the names of one test's namespaces and links (interface names are at most 15 bytes). */
export const uniqueTag = (): string => randomBytes(3).toString('hex');

export function sh(cmd: string, args: readonly string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', ...(input !== undefined ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs a command inside a namespace. */
export const inNs = (ns: string, cmd: string, ...args: string[]): string => sh('ip', ['netns', 'exec', ns, cmd, ...args]);

/** What the API runner answers: a result, or the VirError's code, domain and message. */
export type RunnerAnswer<T> = { result: T } | { error: { code: number; domain: number; message: string } };

/**
 * A host for one test: a network namespace where the driver runs (through the API runner, a
 * separate process started with `ip netns exec`), an embed root for its state, and clean-up that
 * deletes the namespaces (which takes their links, bridges, firewall tables with them) and kills
 * what ran inside.
 */
export class TestHost {
  readonly tag = uniqueTag();
  readonly ns = `tsvnet-${process.pid}-${this.tag}`;
  readonly root = mkdtempSync(join(tmpdir(), 'tsvirt-net-'));
  readonly uri = `qemu:///embed?root=${this.root}`;
  private readonly extra: string[] = [];
  private readonly children: ChildProcess[] = [];

  constructor() {
    // dnsmasq re-reads its hosts files as its own unprivileged user (on SIGHUP): the root must let it through.
    chmodSync(this.root, 0o755);
    sh('ip', ['netns', 'add', this.ns]);
    inNs(this.ns, 'ip', 'link', 'set', 'lo', 'up');
  }

  /** Runs the body of an async function of `conn` in a new process inside the namespace. */
  api<T>(body: string): RunnerAnswer<T> {
    const out = sh('ip', ['netns', 'exec', this.ns, process.execPath, RUNNER, this.uri], body);
    return JSON.parse(out) as RunnerAnswer<T>;
  }
  /** The same, failing the test on an error. */
  ok<T>(body: string): T {
    const a = this.api<T>(body);
    if ('error' in a) throw new Error(`API call failed: ${a.error.message}`);
    return a.result;
  }

  /** Another namespace, deleted with this host. */
  namespace(role: string): string {
    const ns = `tsvnet-${process.pid}-${this.tag}-${role}`;
    sh('ip', ['netns', 'add', ns]);
    inNs(ns, 'ip', 'link', 'set', 'lo', 'up');
    this.extra.push(ns);
    return ns;
  }

  /** A veth pair: `here` in this host's namespace, `there` in `ns` as `eth0`. */
  link(ns: string, here: string): void {
    sh('ip', ['link', 'add', here, 'netns', this.ns, 'type', 'veth', 'peer', 'name', `p${this.tag}${this.extra.length}`, 'netns', ns]);
    inNs(ns, 'ip', 'link', 'set', `p${this.tag}${this.extra.length}`, 'name', 'eth0');
    inNs(ns, 'ip', 'link', 'set', 'eth0', 'up');
    inNs(this.ns, 'ip', 'link', 'set', here, 'up');
  }

  /** A long-running process inside a namespace, killed with this host. */
  spawn(ns: string, cmd: string, args: readonly string[]): ChildProcess {
    const child = spawn('ip', ['netns', 'exec', ns, cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.children.push(child);
    return child;
  }

  /** Processes whose command line names this host's root (dnsmasq), for leak checks and clean-up. */
  /** A running network's status file, as the driver reads it. */
  status(name: string): NetworkStatus {
    const path = `${this.root}/run/network/${name}.json`;
    return STATUS_FILE.parse(readFileSync(path, 'utf8'), path);
  }

  rootProcesses(): number[] {
    const out = sh('ps', ['-eo', 'pid=,args=']);
    return out.split('\n').filter((l) => l.includes(this.root)).map((l) => Number(l.trim().split(/\s+/)[0]));
  }

  remove(): void {
    for (const c of this.children) c.kill('SIGKILL');
    const inside = [...this.extra, this.ns].flatMap((ns) => sh('ip', ['netns', 'pids', ns]).split('\n').filter(Boolean).map(Number));
    for (const pid of [...this.rootProcesses(), ...inside]) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    for (const ns of [...this.extra, this.ns]) {
      try {
        sh('ip', ['netns', 'del', ns]);
      } catch {
        // already gone
      }
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}
