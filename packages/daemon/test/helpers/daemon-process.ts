import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchChild } from '@tsvirt/api/testing';

export const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../dist/bundle/cli.js');

/** A tsvirtd started by a test: its own embed root and socket directory under a fresh tmp dir. */
export interface DaemonProcess {
  readonly dir: string;
  readonly root: string;
  readonly rw: string;
  readonly ro: string;
  readonly child: ChildProcess;
  /** What the daemon wrote to stderr so far. */
  stderr(): string;
  /** SIGTERM (or `signal`), then its exit, waited for at most a minute (SIGKILL and a failure naming it after); answers the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Stops it (if running) and removes the tmp dir. */
  dispose(): Promise<void>;
}

export async function waitFor(cond: () => boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Whether something accepts connections on a unix socket (a stale socket file refuses) or a TCP address. */
export function canConnect(path: string | { host: string; port: number }): Promise<boolean> {
  return new Promise((r) => {
    const done = () => {
      s.destroy();
      r(true);
    };
    const s = typeof path === 'string' ? connect(path, done) : connect(path.port, path.host, done);
    s.once('error', () => r(false));
  });
}

/**
 * Kills (SIGKILL) every process whose command line names a path under `dir`: the QEMUs (and
 * helpers) a tsvirtd started in its root outlive the daemon by design, and a test that failed before
 * destroying its domains would leave them running. `dir` is a run's own tmp dir: nothing else names it.
 */
export function killUnder(dir: string): void {
  const needle = Buffer.from(`${dir}/`);
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)) {
    let args: Buffer;
    try {
      args = readFileSync(`/proc/${pid}/cmdline`);
    } catch {
      continue; // gone meanwhile
    }
    if (args.includes(needle)) {
      try {
        process.kill(Number(pid), 'SIGKILL');
      } catch {
        // gone meanwhile
      }
    }
  }
}

/** How long a daemon may take to listen: Node's start and the drivers' loading on a loaded 2-core machine. */
const START_MS = 60_000;
/** How long a daemon may take to exit once signalled (its shutdown saves each domain's state). */
const STOP_MS = 60_000;

async function waitForListener(path: string | { host: string; port: number }, gaveUp: () => boolean): Promise<void> {
  const end = Date.now() + START_MS;
  while (!gaveUp() && !(await canConnect(path))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${JSON.stringify(path)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts the built CLI; `dir` reuses a tmp dir (a restart on the same root). */
export async function startDaemon(extra: string[] = [], dir?: string, opts: { socketsInRunDir?: boolean; env?: NodeJS.ProcessEnv } = {}): Promise<DaemonProcess> {
  const base = dir ?? mkdtempSync(join(tmpdir(), `tsvirtd-test-${process.pid}-`));
  const root = join(base, 'root');
  const sockDir = opts.socketsInRunDir ? join(root, 'run') : base;
  const rw = join(sockDir, 'tsvirt-sock');
  const ro = join(sockDir, 'tsvirt-sock-ro');
  const args = [CLI, '--root', root, ...(opts.socketsInRunDir ? [] : ['--socket-dir', base]), ...extra];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...opts.env } });
  const watched = watchChild(`tsvirtd ${args.slice(1).join(' ')}`, child);
  let exited: number | null | undefined;
  child.once('exit', (code) => (exited = code));
  // the read-only socket is bound after the read-write one: the daemon is up when both answer
  await waitForListener(rw, () => exited !== undefined);
  await waitForListener(ro, () => exited !== undefined);
  // TCP and TLS listeners may open after the unix sockets; a client started before would be refused
  for (const [i, a] of extra.entries()) {
    const m = extra[i - 1] === '--listen' ? /^(?:tcp|tls):\/\/\[?([^\]]*?)\]?:([1-9]\d*)$/.exec(a) : null;
    if (m) await waitForListener({ host: m[1]!, port: Number(m[2]) }, () => exited !== undefined);
  }
  if (exited !== undefined) throw new Error(`tsvirtd exited with ${exited}: ${watched.stderr}`);
  // its QEMUs outlive it and keep its stderr: the exit alone is waited for, bounded
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (exited === undefined) child.kill(signal);
    return (await watched.exited(STOP_MS)).code;
  };
  return {
    dir: base, root, rw, ro, child,
    stderr: () => watched.stderr,
    stop,
    dispose: async () => {
      try {
        await stop('SIGKILL');
      } finally {
        if (!dir) {
          killUnder(base);
          rmSync(base, { recursive: true, force: true });
        }
      }
    },
  };
}
