import { rm } from 'node:fs/promises';
import { ErrorDomain, readJsonIfExists, writeFileAtomic } from '@tsvirt/util';
import type { CgroupTree } from '../cgroup/cgroup-tree.js';
import type { InitRecord } from '../controller/launch-params.js';
import { exitFile, initFile, statusFile, type LxcPaths } from './lxc-paths.js';

/** A process and its start time in /proc, so that a reused pid is never mistaken for it. */
export interface ProcessRef {
  readonly pid: number;
  readonly start: string | undefined;
}

/** What a stop asked for, so the controller and any reader report the same reason. */
export type StopRequest = 'destroy' | 'shutdown' | 'reboot';

/**
 * The run state of a container that is starting or running (libvirt's `<domstatus>`), kept in
 * a status file so that any process can find its controller and init.
 */
export interface ActiveStatus {
  phase: 'starting' | 'active';
  readonly name: string;
  readonly uuid: string;
  readonly id: number;
  state: number;
  reason: number;
  /** The controller (our libvirt_lxc) as the host sees it; its init is in `<name>.init`. */
  controller: ProcessRef | undefined;
  /** The cgroup tree and the container's directories in it, one per controller (v1) or one (v2). */
  readonly tree: CgroupTree;
  readonly cgroups: string[];
  /** The host-side names of the container's veth pairs, and the network ports behind them. */
  veths: string[];
  ports: Array<{ network: string; uuid: string }>;
  /** The live definition. */
  xml: string;
  persistent: boolean;
  stopRequest: StopRequest | undefined;
}

/** How a persistent domain last stopped, so every process reports the same shutoff reason. */
export interface InactiveStatus {
  readonly phase: 'inactive';
  readonly name: string;
  readonly reason: number;
}

export type LxcStatus = ActiveStatus | InactiveStatus;

/** What the controller records when init has gone: how it ended. */
export interface ExitRecord {
  /** `shutdown` (init exited), `error` (the container could not start), `reboot` handled in place never gets here. */
  readonly status: 'shutdown' | 'error';
  readonly message?: string;
}

export function isActive(s: LxcStatus | undefined): s is ActiveStatus {
  return s !== undefined && s.phase !== 'inactive';
}

export function readStatus(paths: LxcPaths, name: string): Promise<LxcStatus | undefined> {
  return readJsonIfExists<LxcStatus>(statusFile(paths, name), ErrorDomain.LXC);
}

/** Writes a status file atomically: readers see the old or the new state, never a torn one. */
export async function writeStatus(paths: LxcPaths, status: LxcStatus): Promise<void> {
  await writeFileAtomic(statusFile(paths, status.name), `${JSON.stringify(status, null, 1)}\n`, { domain: ErrorDomain.LXC });
}

export async function removeStatus(paths: LxcPaths, name: string): Promise<void> {
  await rm(statusFile(paths, name), { force: true });
}

export function readExit(paths: LxcPaths, name: string): Promise<ExitRecord | undefined> {
  return readJsonIfExists<ExitRecord>(exitFile(paths, name), ErrorDomain.LXC);
}

export async function writeExit(paths: LxcPaths, name: string, record: ExitRecord): Promise<void> {
  await writeFileAtomic(exitFile(paths, name), JSON.stringify(record), { domain: ErrorDomain.LXC });
}

export async function removeExit(paths: LxcPaths, name: string): Promise<void> {
  await rm(exitFile(paths, name), { force: true });
}

export function readInit(paths: LxcPaths, name: string): Promise<InitRecord | undefined> {
  return readJsonIfExists<InitRecord>(initFile(paths, name), ErrorDomain.LXC);
}
