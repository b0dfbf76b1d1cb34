/**
 * Disks opened through a descriptor group at start (`<source file=… fdgroup='NAME'/>`), as libvirt
 * 9.0 gives them to QEMU: each disk gets an fd set, numbered from 0 in block node order, whose
 * descriptors QEMU inherits (from its fd 3 on) and adds with `-add-fd set=S,fd=N,opaque=…` right
 * before the disk's `-blockdev`, which opens `/dev/fdset/S` instead of the path.
 */
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { storageNode, type ResolvedDisk } from '../command/disk-props.js';
import type { FdGroupStore } from './fd-group-store.js';
import type { QemuDisk } from '../devices/qemu-disk.js';

/** A disk's fd set: its number and the descriptors as QEMU sees them. */
export interface FdSetUse {
  readonly set: number;
  readonly childFds: readonly number[];
  /** The group was associated SECLABEL_WRITABLE. */
  readonly writable: boolean;
}

/** QEMU's first descriptor after stdin, stdout and stderr. */
const FIRST_CHILD_FD = 3;

/** The group a disk's file is opened through, if any (only file sources have one). */
export const fdGroupOf = (d: Pick<ResolvedDisk, 'view'>): string | undefined => (d.view.type === 'file' ? d.view.disk.source?.fdgroup : undefined);

/** libvirt's refusal of a disk whose group the domain was not given (or whose connection closed). */
export function groupMissing(name: string): VirError {
  return new VirError(ErrorCode.INVALID_ARG, `file descriptor group '${name}' was not associated with the domain`, ErrorDomain.QEMU);
}

/**
 * Gives each disk with a group its fd set; answers the disks and the descriptors QEMU is to
 * inherit, in order (the launcher maps them to fd 3, 4, …).
 */
export function assignFdSets(groups: FdGroupStore, uuid: string, disks: readonly ResolvedDisk[]): { disks: ResolvedDisk[]; passFds: number[] } {
  const passFds: number[] = [];
  const sets = new Map<ResolvedDisk, FdSetUse>();
  [...disks].filter((d) => fdGroupOf(d) !== undefined).sort((a, b) => a.node - b.node).forEach((d, set) => {
    const name = fdGroupOf(d)!;
    const group = groups.lookup(uuid, name);
    if (!group) throw groupMissing(name);
    const childFds = group.fds.map((fd) => FIRST_CHILD_FD + passFds.push(fd) - 1);
    sets.set(d, { set, childFds, writable: group.writable });
  });
  return { disks: disks.map((d) => (sets.has(d) ? { ...d, fdset: sets.get(d) } : d)), passFds };
}

/** A disk's `-add-fd` arguments: one per descriptor of its set, each named after its block node. */
export function addFdArgs(d: ResolvedDisk): string[] {
  const use = d.fdset;
  return use ? use.childFds.flatMap((fd, i) => ['-add-fd', `set=${use.set},fd=${fd},opaque=${storageNode(d.node)}${i}`]) : [];
}

/**
 * A disk with a group plugged into a running domain: libvirt's error when the group is missing;
 * else refused, because QEMU takes hotplugged descriptors only through its monitor socket
 * (`add-fd` with SCM_RIGHTS), which this driver's monitor client cannot send.
 */
export function refuseFdGroupHotplug(groups: FdGroupStore, uuid: string, view: QemuDisk): void {
  const name = fdGroupOf({ view });
  if (name === undefined) return;
  if (!groups.lookup(uuid, name)) throw groupMissing(name);
  throw new VirError(ErrorCode.OPERATION_UNSUPPORTED,
    `disk '${view.target}' of file descriptor group '${name}' cannot be plugged into a running domain: its descriptors would go to QEMU through the monitor, which cannot carry them here`, ErrorDomain.QEMU);
}
