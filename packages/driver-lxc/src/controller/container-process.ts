import { spawn, type ChildProcess } from 'node:child_process';
import { readlink, writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { placeProcess } from '../cgroup/cgroup-ops.js';
import { helperArgs, idMapText } from './helper-args.js';
import type { LaunchParams } from './launch-params.js';
import { moveVethsIn } from './veth-setup.js';

/** A container's init, running: its host pid and how it ends. */
export interface RunningContainer {
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when init (and so the container) has exited: the exit code or the killing signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Reads lines from the helper's socket until `want` says stop or the socket ends. */
function nextLine(stream: Readable): Promise<string | undefined> {
  return new Promise((resolve) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      cleanup();
      const rest = buf.slice(nl + 1);
      if (rest) stream.unshift(Buffer.from(rest));
      resolve(buf.slice(0, nl));
    };
    const onEnd = () => {
      cleanup();
      resolve(buf || undefined);
    };
    const cleanup = () => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
  });
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
  const child = spawn(p.helper, helperArgs(p), { stdio: [console, console, console, 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const spawnError = new Promise<never>((_, reject) => child.on('error', (e) => reject(new Error(`cannot run the container helper: ${e.message}`))));
  const sync = child.stdio[3] as Readable & Writable;
  const fail = async (msg: string): Promise<never> => {
    child.kill('SIGKILL');
    await exited;
    throw new Error(msg);
  };
  const first = await Promise.race([nextLine(sync), spawnError]);
  const m = /^pid (\d+)$/.exec(first ?? '');
  if (!m) return fail(first?.startsWith('error ') ? first.slice(6) : `the container helper ended before it started: ${first ?? 'no word'}`);
  const pid = Number(m[1]);
  try {
    await placeProcess(cgroups, pid);
    if (p.spec.idmap) {
      await writeFile(`/proc/${pid}/uid_map`, idMapText(p.spec.idmap.uids));
      await writeFile(`/proc/${pid}/gid_map`, idMapText(p.spec.idmap.gids));
    }
    await moveVethsIn(p.veths, pid);
  } catch (e) {
    return fail((e as Error).message);
  }
  sync.write('g');
  const result = await Promise.race([nextLine(sync), execDone(pid, p.helper), exited.then(() => 'error the container helper exited')]);
  sync.destroy();
  if (result !== undefined) return fail(result.startsWith('error ') ? result.slice(6) : result);
  return { pid, child, exited };
}
