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
import type { ActiveStatus } from '../state/domain-status.js';

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
 * Gives each disk with a group its fd set; answers the disks, the descriptors QEMU is to inherit,
 * in order (the launcher maps them to fd 3, 4, …), and how many sets were given.
 */
export function assignFdSets(groups: FdGroupStore, uuid: string, disks: readonly ResolvedDisk[]): { disks: ResolvedDisk[]; passFds: number[]; sets: number } {
  const passFds: number[] = [];
  const sets = new Map<ResolvedDisk, FdSetUse>();
  [...disks].filter((d) => fdGroupOf(d) !== undefined).sort((a, b) => a.node - b.node).forEach((d, set) => {
    const name = fdGroupOf(d)!;
    const group = groups.lookup(uuid, name);
    if (!group) throw groupMissing(name);
    const childFds = group.fds.map((fd) => FIRST_CHILD_FD + passFds.push(fd) - 1);
    sets.set(d, { set, childFds, writable: group.writable });
  });
  return { disks: disks.map((d) => (sets.has(d) ? { ...d, fdset: sets.get(d) } : d)), passFds, sets: sets.size };
}

/** A disk's `-add-fd` arguments: one per descriptor of its set, each named after its block node. */
export function addFdArgs(d: ResolvedDisk): string[] {
  const use = d.fdset;
  return use ? use.childFds.flatMap((fd, i) => ['-add-fd', `set=${use.set},fd=${fd},opaque=${storageNode(d.node)}${i}`]) : [];
}

/**
 * A disk with a group plugged into a running domain, as libvirt 9.0's QEMU driver answers it:
 * libvirt's error when the group is missing; else the failure libvirt 9.0 meets every time (checked
 * on Debian's libvirtd, read-only and writable, with and without sets from the start): it numbers
 * a new fd set for the disk but never hands it to QEMU, whose `blockdev-add` then cannot open
 * `/dev/fdset/N` (O_RDONLY 0 or O_RDWR 2). Each attempt takes the next number, as there (`save`
 * writes the status that counts them).
 */
export async function refuseFdGroupHotplug(groups: FdGroupStore, status: ActiveStatus, view: QemuDisk, save: () => Promise<void>): Promise<void> {
  const name = fdGroupOf({ view });
  if (name === undefined) return;
  if (!groups.lookup(status.uuid, name)) throw groupMissing(name);
  const set = status.nextFdSet ?? 0;
  status.nextFdSet = set + 1;
  await save();
  throw new VirError(ErrorCode.INTERNAL_ERROR,
    `unable to execute QEMU command 'blockdev-add': Could not dup FD for /dev/fdset/${set} flags ${view.readonly ? 0 : 2}: No such file or directory`, ErrorDomain.QEMU);
}
