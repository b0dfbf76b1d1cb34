import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readlink, writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { placeProcess, setValue } from '../cgroup/cgroup-ops.js';
import { helperArgs, idMapText } from './helper-args.js';
import type { LaunchParams } from './launch-params.js';
import { moveHostNetsIn, moveHostNetsOut, moveVethsIn } from './veth-setup.js';

/** A container's init, running: its host pid and how it ends. */
export interface RunningContainer {
  readonly pid: number;
  readonly child: ChildProcess;
  /**
   * Moves the host interfaces back out of the container's network namespace, held open meanwhile
   * (when there are any), and closes it; call once its processes are gone.
   */
  readonly release: () => Promise<void>;
  /** Closes the held network namespace without moving anything (another process takes over). */
  readonly drop: () => void;
  /** Resolves when init (and so the container) has exited: the exit code or the killing signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Reads the helper's socket line by line: each call gives the next line, or undefined once the
 * socket has ended. Lines that arrive together are queued, none lost between calls.
 */
function lineReader(stream: Readable): () => Promise<string | undefined> {
  const lines: string[] = [];
  let buf = '';
  let ended = false;
  let wake: (() => void) | undefined;
  stream.on('data', (d: Buffer) => {
    buf += d.toString();
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    wake?.();
  });
  const onEnd = () => {
    ended = true;
    wake?.();
  };
  stream.on('end', onEnd);
  stream.on('close', onEnd);
  return async () => {
    while (lines.length === 0 && !ended) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    if (lines.length > 0) return lines.shift();
    const rest = buf;
    buf = '';
    return rest || undefined;
  };
}

/** Resolves (undefined) once `pid` no longer runs `helper`: it has executed init. */
async function execDone(pid: number, helper: string): Promise<undefined> {
  for (;;) {
    const exe = await readlink(`/proc/${pid}/exe`).catch(() => undefined);
    if (exe === undefined) return new Promise(() => undefined);
    if (exe !== helper) return undefined;
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Starts the container: the helper makes the namespaces and forks their pid 1, which reports its host pid, then waits while the controller puts it in the cgroup, writes the
 * id maps and moves the veths in; then it builds the root and executes init. A failure the
 * helper reports (or its early exit) rejects, with the helper's own words.
 */
export async function startContainer(p: LaunchParams, cgroups: readonly string[], console: number): Promise<RunningContainer> {
  // Detached: its own session, so a signal to the starting process's group (a tsvirsh ^C) never
  // reaches the container; the starter may exit, and init's end is recorded in a file anyway.
  const child = spawn(p.helper, helperArgs(p), { stdio: [console, console, console, 'pipe'], detached: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const spawnError = new Promise<never>((_, reject) => child.on('error', (e) => reject(new Error(`cannot run the container helper: ${e.message}`))));
  const sync = child.stdio[3] as Readable & Writable;
  let netns: number | undefined;
  const release = async () => {
    if (netns === undefined) return;
    await moveHostNetsOut(p.hostNets, netns);
    closeSync(netns);
    netns = undefined;
  };
  const fail = async (msg: string): Promise<never> => {
    child.kill('SIGKILL');
    await exited;
    await release();
    throw new Error(msg);
  };
  // The helper first tells each device the container needs (its images' loop devices, block
  // filesystems, hostdevs), then the pid of the container's init-to-be.
  const nextLine = lineReader(sync);
  let first = await Promise.race([nextLine(), spawnError]);
  const allows: string[] = [];
  for (; first?.startsWith('allow '); first = await nextLine()) allows.push(first.slice(6));
  const m = /^pid (\d+)$/.exec(first ?? '');
  if (!m) return fail(first?.startsWith('error ') ? first.slice(6) : `the container helper ended before it started: ${first ?? 'no word'}`);
  const pid = Number(m[1]);
  try {
    for (const rule of allows) await setValue(p.tree, cgroups, 'devices', 'devices.allow', rule);
    await placeProcess(cgroups, pid);
    if (p.spec.idmap) {
      await writeFile(`/proc/${pid}/uid_map`, idMapText(p.spec.idmap.uids));
      await writeFile(`/proc/${pid}/gid_map`, idMapText(p.spec.idmap.gids));
    }
    await moveVethsIn(p.veths, pid);
    if (p.hostNets.length > 0) netns = openSync(`/proc/${pid}/ns/net`, 'r');
    await moveHostNetsIn(p.hostNets, pid);
  } catch (e) {
    return fail((e as Error).message);
  }
  sync.write('g');
  const result = await Promise.race([nextLine(), execDone(pid, p.helper), exited.then(() => 'error the container helper exited')]);
  sync.destroy();
  if (result !== undefined) return fail(result.startsWith('error ') ? result.slice(6) : result);
  const drop = () => {
    if (netns !== undefined) closeSync(netns);
    netns = undefined;
  };
  return { pid, child, exited, release, drop };
}
