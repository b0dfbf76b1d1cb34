import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readlink, writeFile } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { setValue } from '../cgroup/cgroup-ops.js';
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
  /** The controller the helper started (a first start). */
  readonly controller: StartedController | undefined;
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

/** A first start's controller, which the helper starts beside the container (`--controller`). */
export interface ControllerLaunch {
  /** The controller's script and its one argument (the launch parameters as JSON). */
  readonly script: string;
  /** Where the controller's output goes: its log file, open. */
  readonly log: number;
}

/** The controller the helper started: its pid, the console pty and the pipe that tells it the start's outcome. */
export interface StartedController {
  readonly pid: number;
  readonly pty: string;
  readonly word: Writable;
}

/**
 * The container's console: the pty slave the caller holds (a restart by the controller), or a new
 * pty that the helper opens for the controller it starts (a first start by the driver).
 */
export type ConsoleSource = { readonly fd: number } | { readonly controller: ControllerLaunch };

/**
 * Makes the container's cgroup once the controller runs (its pid names it) and returns its
 * directories. Runs while the helper goes on making the namespaces; its error ends the start as
 * it is.
 */
export type CgroupSetup = (controller: StartedController) => Promise<readonly string[]>;

/**
 * Starts the container: the helper makes the namespaces and forks their pid 1, which reports its
 * host pid, then waits while the starter allows its devices, writes the id maps and moves the
 * veths in; told the cgroup, it joins it itself, builds the root and executes init. A failure
 * the helper reports (or its early exit) rejects, with the helper's own words.
 */
export function startContainer(p: LaunchParams, console: { readonly controller: ControllerLaunch }, cgroups: CgroupSetup): Promise<RunningContainer>;
export function startContainer(p: LaunchParams, console: { readonly fd: number }, cgroups: readonly string[]): Promise<RunningContainer>;
export async function startContainer(p: LaunchParams, console: ConsoleSource, setupCgroup: CgroupSetup | readonly string[]): Promise<RunningContainer> {
  const ctl = 'controller' in console ? console.controller : undefined;
  const args = helperArgs(p, ctl && [process.execPath, ctl.script, JSON.stringify(p)]);
  // Detached: its own session, so a signal to the starting process's group (a tsvirsh ^C) never
  // reaches the container; the starter may exit, and init's end is recorded in a file anyway.
  const stdio = 'fd' in console ? [console.fd, console.fd, console.fd, 'pipe'] as const : ['ignore', console.controller.log, console.controller.log, 'pipe', 'pipe'] as const;
  const child = spawn(p.helper, args, { stdio: [...stdio], detached: true });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const spawnError = new Promise<never>((_, reject) => child.on('error', (e) => reject(new Error(`cannot run the container helper: ${e.message}`))));
  const sync = child.stdio[3] as Readable & Writable;
  // A helper that died is seen by its exit and the socket's end; a write to it then fails quietly.
  sync.on('error', () => undefined);
  let netns: number | undefined;
  const release = async () => {
    if (netns === undefined) return;
    await moveHostNetsOut(p.hostNets, netns);
    closeSync(netns);
    netns = undefined;
  };
  const stop = async () => {
    child.kill('SIGKILL');
    await exited;
    await release();
  };
  const fail = async (msg: string): Promise<never> => {
    await stop();
    throw new Error(msg);
  };
  const helperWords = (line: string | undefined, what: string) => (line?.startsWith('error ') ? line.slice(6) : `the container helper ended before ${what}: ${line ?? 'no word'}`);
  const nextLine = lineReader(sync);
  let line = await Promise.race([nextLine(), spawnError]);
  // The cgroup is made while the helper goes on: it is needed only once init-to-be has reported.
  // Its failure is kept (caught at once: the helper's next line may take a while) and thrown once the helper is stopped.
  let setupError: unknown;
  let cgroups: Promise<readonly string[] | undefined> = Promise.resolve(typeof setupCgroup === 'function' ? [] : setupCgroup);
  let controller: StartedController | undefined;
  if (ctl && typeof setupCgroup === 'function') {
    const m = /^controller (\d+) (\d+)$/.exec(line ?? '');
    if (!m) return fail(helperWords(line, 'it started the controller'));
    controller = { pid: Number(m[1]), pty: `/dev/pts/${m[2]}`, word: child.stdio[4] as Writable };
    cgroups = setupCgroup(controller).catch((e: unknown) => {
      setupError = e;
      return undefined;
    });
    line = await nextLine();
  }
  // The helper tells each device the container needs (its images' loop devices, block
  // filesystems, hostdevs), then the pid of the container's init-to-be.
  const allows: string[] = [];
  for (; line?.startsWith('allow '); line = await nextLine()) allows.push(line.slice(6));
  const m = /^pid (\d+)$/.exec(line ?? '');
  const dirs = await cgroups;
  if (!dirs) {
    await stop();
    throw setupError;
  }
  if (!m) return fail(helperWords(line, 'it started'));
  const pid = Number(m[1]);
  try {
    for (const rule of allows) await setValue(p.tree, dirs, 'devices', 'devices.allow', rule);
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
  // A fake tree (tests) records the host pid; a real one moves the writer itself ("0": init is in
  // a pid namespace of its own, where the host pid means nothing).
  sync.write(`join ${p.tree.fake ? pid : 0}\n${dirs.map((d) => `cgroup ${d}\n`).join('')}go\n`);
  const result = await Promise.race([nextLine(), execDone(pid, p.helper), exited.then(() => 'error the container helper exited')]);
  sync.destroy();
  if (result !== undefined) return fail(helperWords(result, 'it executed init'));
  const drop = () => {
    if (netns !== undefined) closeSync(netns);
    netns = undefined;
  };
  return { pid, child, exited, release, drop, controller };
}
