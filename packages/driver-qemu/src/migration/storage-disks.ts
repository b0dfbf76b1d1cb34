import { DomainMigrateFlags as MF, DomainMigrateParam as MP, type TypedParameter } from '@tsvirt/api';
import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { diskChain } from '../blockjob/block-chain.js';
import { disksOf, type QemuDisk } from '../devices/qemu-disk.js';
import type { QmpClient } from '../qmp/qmp-client.js';

const D = ErrorDomain.QEMU;

/** Whether the flags ask for the guest's storage to be copied (`--copy-storage-all` or `-inc`). */
export const copiesStorage = (flags: number): boolean => (flags & (MF.NON_SHARED_DISK | MF.NON_SHARED_INC)) !== 0;

/** The disk targets the caller named with MIGRATE_DISKS (`--migrate-disks`), in order. */
export function migrateDisksParam(params: readonly TypedParameter[]): string[] {
  return params.filter((p) => p.field === MP.MIGRATE_DISKS && typeof p.value === 'string').map((p) => p.value as string);
}

/** A disk with nothing to copy: no source at all (an empty CD-ROM or floppy). */
export function isEmptyDisk(d: QemuDisk): boolean {
  return d.type === 'network' ? d.disk.source === undefined : d.path === undefined && d.volume === undefined;
}

/**
 * Whether a disk's contents are copied (qemuMigrationAnyCopyDisk): the disks named, when the caller
 * named any; else every disk that is neither shared nor read-only and has a source.
 */
export function copiesDisk(d: QemuDisk, named: readonly string[]): boolean {
  if (named.length > 0) return named.includes(d.target);
  return !d.shareable && !d.readonly && !isEmptyDisk(d);
}

/** The disks of a definition whose contents a storage migration copies. */
export function disksToCopy(def: DomainDef, named: readonly string[]): QemuDisk[] {
  return disksOf(def.devices).filter((d) => copiesDisk(d, named));
}

/** Begin's check of MIGRATE_DISKS: every target named must be a disk of the domain. */
export function checkNamedDisks(def: DomainDef, named: readonly string[]): void {
  const targets = new Set(disksOf(def.devices).map((d) => d.target));
  for (const t of named) {
    if (!targets.has(t)) throw new VirError(ErrorCode.INVALID_ARG, `disk target ${t} not found`, D);
  }
}

/** A disk named for copying that cannot be: an empty or read-only one (the destination's check before exporting it). */
export function checkCopyable(d: QemuDisk): void {
  if (d.readonly || isEmptyDisk(d)) {
    throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `Cannot migrate empty or read-only disk ${d.target}`, D);
  }
}

/** The name of a disk's NBD export and of its mirror job: libvirt's `drive-ALIAS`. */
export const driveName = (alias: string): string => `drive-${alias}`;

/** The size in bytes of each disk to copy, as QEMU has it open (the Begin cookie's NBD disks). */
export async function diskCapacities(mon: QmpClient, disks: readonly QemuDisk[]): Promise<Array<{ target: string; capacity: number }>> {
  const out: Array<{ target: string; capacity: number }> = [];
  for (const d of disks) out.push({ target: d.target, capacity: (await diskChain(mon, d.alias!))[0]!.virtualSize });
  return out;
}
