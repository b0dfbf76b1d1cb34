import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorDomain, systemError } from '@tsvirt/util';

/** The controllers a container's cgroup uses, named as cgroup v1 mounts them. */
export const V1_CONTROLLERS = ['memory', 'cpu', 'cpuacct', 'blkio', 'freezer', 'devices', 'pids'] as const;
export type V1Controller = (typeof V1_CONTROLLERS)[number];

/** Where the cgroup hierarchy is and which version it speaks. */
export interface CgroupTree {
  readonly version: 1 | 2;
  readonly root: string;
  /** A tree of plain files made by a test (`TSVIRT_CGROUP_ROOT`), not a cgroup filesystem. */
  readonly fake: boolean;
}

/**
 * The cgroup hierarchy of this host, or the tree `TSVIRT_CGROUP_ROOT` names (tests build a fake
 * one there). A root with `cgroup.controllers` is the unified (v2) hierarchy; otherwise each v1
 * controller is mounted in a folder of its own under the root.
 */
export function cgroupTree(env: NodeJS.ProcessEnv = process.env): CgroupTree {
  const root = env['TSVIRT_CGROUP_ROOT'] || '/sys/fs/cgroup';
  return { version: existsSync(join(root, 'cgroup.controllers')) ? 2 : 1, root, fake: !!env['TSVIRT_CGROUP_ROOT'] };
}

/**
 * Refuses a host whose cgroup hierarchy is not mounted (as libvirt does): a container outside any
 * cgroup could not be limited, and destroy, which kills the cgroup's processes, would miss it.
 * `ip netns exec` is the usual cause: it mounts a fresh /sys over the one with the cgroups.
 */
export function requireCgroups(tree: CgroupTree): void {
  if (tree.fake || tree.version === 2 || V1_CONTROLLERS.some((c) => existsSync(join(tree.root, c)))) return;
  const e: NodeJS.ErrnoException = Object.assign(new Error('no cgroup controller'), { code: 'ENXIO' });
  throw systemError('At least one cgroup controller is required', e, ErrorDomain.LXC);
}

/** The folder name of a container's cgroup as libvirt 9 names it: its machine name, `lxc-CONTROLLERPID-NAME`. */
export function leafName(name: string, controllerPid: number): string {
  return `lxc-${controllerPid}-${name}.libvirt-lxc`;
}

/**
 * The directories of a container's cgroup: one per v1 controller (controllers mounted together,
 * `cpu,cpuacct`, share one), or the one v2 directory.
 */
export function cgroupDirs(tree: CgroupTree, partition: string, leaf: string): string[] {
  const rel = join(partition, leaf);
  if (tree.version === 2) return [join(tree.root, rel)];
  const dirs = new Map<string, string>();
  for (const c of V1_CONTROLLERS) {
    const mount = join(tree.root, c);
    if (!existsSync(mount)) continue;
    dirs.set(realpathSync(mount), join(mount, rel));
  }
  return [...dirs.values()];
}

/** The directory of one v1 controller among a container's directories (v2: the only one). */
export function dirFor(tree: CgroupTree, dirs: readonly string[], controller: V1Controller): string | undefined {
  if (tree.version === 2) return dirs[0];
  return dirs.find((d) => d.startsWith(join(tree.root, controller) + '/'));
}
