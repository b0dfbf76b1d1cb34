import { defineStateFile, v, type StateFile } from '@tsvirt/conf/state';
import { ErrorDomain } from '@tsvirt/util';
import type { CgroupTree } from '../cgroup/cgroup-tree.js';
import type { InitRecord } from '../controller/launch-params.js';
import { runtimeStateFile } from './runtime-file.js';

/** A process and its start time in /proc, so that a reused pid is never mistaken for it. */
export interface ProcessRef {
  readonly pid: number;
  readonly start?: string | undefined;
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
  controller?: ProcessRef | undefined;
  /** The cgroup tree and the container's directories in it, one per controller (v1) or one (v2). */
  readonly tree: CgroupTree;
  readonly cgroups: string[];
  /** The host-side names of the container's veth pairs, and the network ports behind them. */
  veths: string[];
  ports: Array<{ network: string; uuid: string; mac?: string | undefined }>;
  /** The live definition. */
  xml: string;
  persistent: boolean;
  stopRequest?: StopRequest | undefined;
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

const int = v.pipe(v.number(), v.safeInteger());
const PROCESS_REF = v.object({ pid: int, start: v.optional(v.string()) });
const TREE = v.object({ version: v.picklist([1, 2]), root: v.string(), fake: v.boolean() });

/**
 * A container's status file (`NAME.json`): version 1 adds the envelope to the bare JSON written
 * before, whose shape it keeps. A file that is not one is a VirError naming it.
 */
export const STATUS_FILE: StateFile<LxcStatus> = runtimeStateFile(defineStateFile<LxcStatus>({
  kind: 'lxc-domain-status',
  version: 1,
  migrate: { 0: (old) => old },
  domain: ErrorDomain.LXC,
  schema: v.variant('phase', [
    v.object({
      phase: v.picklist(['starting', 'active']), name: v.string(), uuid: v.string(), id: int, state: int, reason: int,
      controller: v.optional(PROCESS_REF), tree: TREE, cgroups: v.array(v.string()), veths: v.array(v.string()),
      ports: v.array(v.object({ network: v.string(), uuid: v.string(), mac: v.optional(v.string()) })), xml: v.string(), persistent: v.boolean(),
      stopRequest: v.optional(v.picklist(['destroy', 'shutdown', 'reboot'])),
    }),
    v.object({ phase: v.literal('inactive'), name: v.string(), reason: int }),
  ]),
}));

/** The controller's record of how init ended (`NAME.exit`). */
export const EXIT_FILE: StateFile<ExitRecord> = runtimeStateFile(defineStateFile<ExitRecord>({
  kind: 'lxc-exit',
  version: 1,
  migrate: { 0: (old) => old },
  domain: ErrorDomain.LXC,
  schema: v.object({ status: v.picklist(['shutdown', 'error']), message: v.optional(v.string()) }),
}));

/** The controller's record of the init it last started and the console pty (`NAME.init`). */
export const INIT_FILE: StateFile<InitRecord> = runtimeStateFile(defineStateFile<InitRecord>({
  kind: 'lxc-init',
  version: 1,
  migrate: { 0: (old) => old },
  domain: ErrorDomain.LXC,
  schema: v.object({ pid: int, start: v.optional(v.string()), pty: v.string() }),
}));
