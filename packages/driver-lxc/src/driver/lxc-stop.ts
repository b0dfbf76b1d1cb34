import { existsSync } from 'node:fs';
import { readdir, rm, rmdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DomainEventType } from '@tsvirt/api';
import { logger, isProcessAlive, runCommand } from '@tsvirt/util';
import { killCgroup, removeCgroup } from '../cgroup/cgroup-ops.js';
import { consoleSocket, exitFile, initEndFile, initFile, meminfoFifo, rootStage, type LxcPaths } from '../state/lxc-paths.js';
import { type ActiveStatus } from '../state/lxc-status.js';
import { removeStatus, writeStatus } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { releasePorts } from './network-ports.js';

const log = logger('lxc.stop');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits for the controller to exit by itself (it cleans up and records how init ended), then kills it. */
export async function waitController(s: ActiveStatus, ms: number): Promise<void> {
  const c = s.controller;
  if (!c) return;
  const deadline = Date.now() + ms;
  while ((await isProcessAlive(c.pid, c.start)) && Date.now() < deadline) await sleep(20);
  if (await isProcessAlive(c.pid, c.start)) {
    try {
      process.kill(c.pid, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }
}

/**
 * Temporary files of atomic writes of the init and exit records, and the console socket bound
 * before its rename, left when the controller was killed mid-way.
 */
async function interruptedWrites(p: LxcPaths, name: string): Promise<string[]> {
  const records = [initFile(p, name), exitFile(p, name), consoleSocket(p, name)].map((f) => `${basename(f)}.`);
  const entries = await readdir(p.stateDir).catch(() => [] as string[]);
  return entries.filter((e) => records.some((r) => e.startsWith(r) && /^[0-9a-f]+$/.test(e.slice(r.length)))).map((e) => join(p.stateDir, e));
}

/** Removes what the controller leaves of a run: its init record, exit record, console socket and root mount point. */
export async function removeRunFiles(p: LxcPaths, name: string): Promise<void> {
  const files = [initFile(p, name), exitFile(p, name), consoleSocket(p, name), meminfoFifo(p.stateDir, name), initEndFile(p.stateDir, name)];
  await Promise.all([...files, ...(await interruptedWrites(p, name))].map((f) => rm(f, { force: true })));
  // Only ever an empty directory on the host: the root was mounted on it in the container's namespace.
  await rmdir(rootStage(p.stateDir, name)).catch(() => undefined);
}

/**
 * Takes a container down completely and records it shut off for `reason` (libvirt's
 * virLXCProcessStop): every process of its cgroup killed, the controller gone, the cgroup,
 * veths, network ports and run files removed. Raises STOPPED with `detail`. The caller holds
 * the domain's job lock.
 */
export async function tearDown(drv: LxcContext, s: ActiveStatus, reason: number, detail: number | undefined): Promise<void> {
  await killCgroup(s.tree, s.cgroups);
  // A controller that has adopted the container (it serves the console) is let finish (it moves
  // host interfaces back); one still booting has nothing to do and is killed at once.
  await waitController(s, existsSync(consoleSocket(drv.paths, s.name)) ? 3000 : 0);
  await removeCgroup(s.tree, s.cgroups).catch((e: Error) => log.warn(`domain '${s.name}': ${e.message}`));
  for (const v of s.veths) await runCommand('ip', ['link', 'del', v]).catch(() => undefined);
  await releasePorts(drv, s.ports);
  const p = drv.paths;
  await removeRunFiles(p, s.name);
  if (s.persistent) await writeStatus(p, { phase: 'inactive', name: s.name, reason });
  else await removeStatus(p, s.name);
  if (detail !== undefined) drv.events.raise({ name: s.name, uuid: s.uuid, id: -1 }, DomainEventType.STOPPED, detail);
}
