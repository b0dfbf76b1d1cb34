import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { readFile, rm, rmdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ErrorDomain, systemError } from '@tsvirt/util';
import { dirFor, type CgroupTree, type V1Controller } from './cgroup-tree.js';

const D = ErrorDomain.LXC;

/**
 * Cgroup files are written synchronously: each write is a kernel call that returns at once, and
 * a start makes a score of them, which through the thread pool cost a hop each.
 */
function write(dir: string, file: string, value: string): void {
  try {
    writeFileSync(join(dir, file), value);
  } catch (e) {
    throw systemError(`Unable to write to '${join(dir, file)}'`, e as NodeJS.ErrnoException, D);
  }
}

function makeDir(dir: string, recursive: boolean): void {
  try {
    mkdirSync(dir, { recursive });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw systemError(`Unable to create cgroup '${dir}'`, e as NodeJS.ErrnoException, D);
  }
}

/** Writes a setting of one controller; false when the controller or the file is not there. */
export async function setValue(tree: CgroupTree, dirs: readonly string[], controller: V1Controller, file: string, value: string): Promise<boolean> {
  const dir = dirFor(tree, dirs, controller);
  if (!dir || (tree.version === 1 && !existsSync(join(dir, file)))) return false;
  write(dir, file, value);
  return true;
}

/** Reads a setting or counter of one controller; undefined when it is not there. */
export async function getValue(tree: CgroupTree, dirs: readonly string[], controller: V1Controller, file: string): Promise<string | undefined> {
  const dir = dirFor(tree, dirs, controller);
  if (!dir) return undefined;
  return (await readFile(join(dir, file), 'utf8').catch(() => undefined))?.trim();
}

/** Makes the directories; on v2 the controllers are enabled down the path first, as the kernel wants. */
export async function createCgroup(tree: CgroupTree, dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    if (tree.version === 2) {
      const parts = dir.slice(tree.root.length).split('/').filter(Boolean);
      let at = tree.root;
      for (const p of parts) {
        try {
          writeFileSync(join(at, 'cgroup.subtree_control'), '+cpu +memory +io +pids');
        } catch {
          // A controller this tree lacks: the others are enabled all the same.
        }
        at = join(at, p);
        makeDir(at, false);
      }
    } else {
      makeDir(dir, true);
    }
  }
}

/** Moves a process (all its threads) into the container's cgroup; nothing when there is none. */
export function placeProcess(dirs: readonly string[], pid: number | undefined): void {
  if (pid !== undefined) for (const dir of dirs) write(dir, 'cgroup.procs', String(pid));
}

/** Every process in the container's cgroup. */
export async function cgroupPids(dirs: readonly string[]): Promise<number[]> {
  const all = new Set<number>();
  for (const dir of dirs) {
    const text = await readFile(join(dir, 'cgroup.procs'), 'utf8').catch(() => '');
    for (const l of text.split('\n')) if (/^\d+$/.test(l)) all.add(Number(l));
  }
  return [...all];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Kills every process of the cgroup (libvirt's virCgroupKillPainfully): SIGKILL to each until
 * none is left, a frozen cgroup being thawed first so the kills are delivered.
 */
export async function killCgroup(tree: CgroupTree, dirs: readonly string[], timeoutMs = 10_000): Promise<void> {
  await thaw(tree, dirs).catch(() => undefined);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pids = (await cgroupPids(dirs)).filter(alive);
    if (pids.length === 0) return;
    for (const p of pids) {
      try {
        process.kill(p, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
    if (Date.now() > deadline) return;
    await sleep(20);
  }
}

/** Removes the container's directories (a fake tree's with its files); what is already gone is fine. */
export async function removeCgroup(tree: CgroupTree, dirs: readonly string[]): Promise<void> {
  for (const dir of dirs) {
    for (let i = 0; i < 50; i++) {
      try {
        await rmdir(dir);
        break;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') break;
        if (code === 'ENOTEMPTY' && tree.fake) {
          await rm(dir, { recursive: true, force: true });
          break;
        }
        if (i === 49) throw systemError(`Unable to remove cgroup '${dir}'`, e as NodeJS.ErrnoException, D);
        await sleep(20);
      }
    }
  }
}

/** Freezes every process of the container (suspend). */
export async function freeze(tree: CgroupTree, dirs: readonly string[]): Promise<void> {
  if (tree.version === 2) {
    await setValue(tree, dirs, 'freezer', 'cgroup.freeze', '1');
    return;
  }
  await setValue(tree, dirs, 'freezer', 'freezer.state', 'FROZEN');
  for (let i = 0; i < 100 && (await getValue(tree, dirs, 'freezer', 'freezer.state')) === 'FREEZING'; i++) await sleep(10);
}

export async function thaw(tree: CgroupTree, dirs: readonly string[]): Promise<void> {
  if (tree.version === 2) await setValue(tree, dirs, 'freezer', 'cgroup.freeze', '0');
  else await setValue(tree, dirs, 'freezer', 'freezer.state', 'THAWED');
}
