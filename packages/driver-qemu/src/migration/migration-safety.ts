import { statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import { DomainMigrateFlags as MF } from '@tsvirt/api';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf } from '../devices/qemu-disk.js';
import { copiesDisk, copiesStorage, isEmptyDisk } from './storage-disks.js';

const D = ErrorDomain.QEMU;

/** statfs magic numbers of the filesystems libvirt counts as shared between hosts (virFileIsSharedFS). */
const SHARED_FS: ReadonlySet<number> = new Set([
  0x6969 /* NFS */, 0x01161970 /* GFS2 */, 0x7461636f /* OCFS2 */, 0x5346414f /* AFS */, 0x517b /* SMB */, 0xff534d42 /* CIFS */,
  0x00c36400 /* Ceph */, 0x47504653 /* GPFS */, 0x65735546 /* FUSE: GlusterFS, Quobyte */, 0x61636673 /* ACFS */, 0x19830326 /* BeeGFS */,
]);

/** The filesystem type of a path, or of its nearest existing parent. */
async function fsType(path: string): Promise<number> {
  for (let p = path; ; p = dirname(p)) {
    const st = await statfs(p).catch(() => undefined);
    if (st || dirname(p) === p) return st?.type ?? 0;
  }
}

/**
 * qemuMigrationSrcIsSafe, in libvirt 9.0's order: empty and read-only disks, disks a storage
 * migration copies and network disks are safe; an NVMe disk or a file on a filesystem that is not
 * shared is not. The cache mode does not matter: QEMU 7.2 drops the page cache at switchover
 * (libvirt's QEMU_CAPS_MIGRATION_FILE_DROP_CACHE), so libvirtd 9.0 lets block disks with any cache
 * go. `--unsafe` (UNSAFE) waives it all.
 */
export async function checkStorageSafety(def: DomainDef, flags: number, named: readonly string[]): Promise<void> {
  if (flags & MF.UNSAFE) return;
  for (const d of disksOf(def.devices)) {
    if (isEmptyDisk(d) || d.readonly || d.type === 'network') continue;
    if (copiesStorage(flags) && copiesDisk(d, named)) continue;
    if (d.type === 'nvme' || (d.type === 'file' && d.path !== undefined && !SHARED_FS.has(await fsType(d.path)))) {
      throw new VirError(ErrorCode.MIGRATE_UNSAFE, 'Migration without shared storage is unsafe', D);
    }
  }
}
