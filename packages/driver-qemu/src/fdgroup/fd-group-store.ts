/**
 * The descriptor groups associated with domains (virDomainFDAssociate), as libvirt's QEMU driver
 * keeps them: by domain and group name, each for as long as the connection that associated it
 * lasts, a new association of a name replacing the old one. A disk `<source file=… fdgroup='NAME'/>`
 * is then opened by QEMU through the group's descriptors instead of its path (fd-sets.ts).
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { DomainFDAssociateFlags } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

/** One group of descriptors associated with a domain. */
export interface FdGroup {
  /** This process's own copies of the caller's descriptors, in the caller's order. */
  readonly fds: readonly number[];
  /** SECLABEL_WRITABLE: the image is written through them (QEMU may open it read-write on its own). */
  readonly writable: boolean;
  /** SECLABEL_RESTORE: restore the image's label after use (no security driver here: recorded only). */
  readonly restoreLabel: boolean;
  /** The connection that associated it: the group lives as long as that connection. */
  readonly owner: object;
}

/** The access mode bits of open(2)'s flags. */
const O_ACCMODE = 0o3;

/**
 * A copy of a caller's descriptor, as libvirt dup()s it: Node has no dup, so the file is opened
 * again through `/proc/self/fd/N` with the same access mode (the same file, unlinked or not; a new
 * file position, which QEMU never relies on).
 */
function copyDescriptor(fd: number, index: number): number {
  try {
    const flags = Number.parseInt(/^flags:\s*([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))?.[1] ?? '0', 8);
    return openSync(`/proc/self/fd/${fd}`, flags & O_ACCMODE);
  } catch (e) {
    throw new VirError(ErrorCode.SYSTEM_ERROR, `failed to duplicate passed fd with index '${index}': ${(e as Error).message}`, ErrorDomain.QEMU, { cause: e });
  }
}

/** Copies of `fds` (fd-group-store's copyDescriptor); none is left open if one fails. */
function copyAll(fds: readonly number[]): number[] {
  const copies: number[] = [];
  try {
    fds.forEach((fd, i) => copies.push(copyDescriptor(fd, i)));
  } catch (e) {
    closeAll(copies);
    throw e;
  }
  return copies;
}

function closeAll(fds: readonly number[]): void {
  for (const fd of fds) closeSync(fd);
}

/**
 * Runs `fn` (a QEMU's launch) with fresh copies of a group's descriptors, closed after it: each
 * QEMU gets open files of its own, so the image locks it takes (OFD locks, which live as long as
 * the open file) end with it, and a domain restarted on the same group is not locked out by its
 * previous run.
 */
export async function withFreshCopies<T>(fds: readonly number[], fn: (copies: readonly number[]) => Promise<T>): Promise<T> {
  const copies = copyAll(fds);
  try {
    return await fn(copies);
  } finally {
    closeAll(copies);
  }
}

/** Every domain's groups in one driver instance (shared by its connections in this process). */
export class FdGroupStore {
  /** Domain UUID → group name → group. */
  readonly #domains = new Map<string, Map<string, FdGroup>>();

  /** Associates copies of `fds` with the domain as group `name` for `owner`'s life; nothing is kept if a copy fails. */
  associate(uuid: string, name: string, fds: readonly number[], flags: number, owner: object): void {
    const copies = copyAll(fds);
    const groups = this.#domains.get(uuid) ?? new Map<string, FdGroup>();
    this.#domains.set(uuid, groups);
    const old = groups.get(name);
    groups.set(name, {
      fds: copies, owner,
      writable: (flags & DomainFDAssociateFlags.SECLABEL_WRITABLE) !== 0,
      restoreLabel: (flags & DomainFDAssociateFlags.SECLABEL_RESTORE) !== 0,
    });
    if (old) closeAll(old.fds);
  }

  /** The domain's group `name`, if associated. */
  lookup(uuid: string, name: string): FdGroup | undefined {
    return this.#domains.get(uuid)?.get(name);
  }

  /** Closes every group of a domain that is gone (undefined, or transient and stopped), as libvirt's go with its domain object. */
  forget(uuid: string): void {
    for (const g of this.#domains.get(uuid)?.values() ?? []) closeAll(g.fds);
    this.#domains.delete(uuid);
  }

  /** Closes every group `owner` associated (its connection closed). */
  release(owner: object): void {
    for (const [uuid, groups] of this.#domains) {
      for (const [name, g] of groups) {
        if (g.owner !== owner) continue;
        closeAll(g.fds);
        groups.delete(name);
      }
      if (groups.size === 0) this.#domains.delete(uuid);
    }
  }
}
