import { existsSync } from 'node:fs';
import { dirname, basename, resolve } from 'node:path';
import { ListStoragePoolsFlags, StorageVolCreateFlags, type Connection, type StoragePool } from '@tsvirt/api';
import { escapeXml, parseStoragePoolXML, type DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { disksOf, type QemuDisk } from '../devices/qemu-disk.js';
import type { DriverContext } from '../driver/driver-context.js';
import { copiesDisk } from './storage-disks.js';

const D = ErrorDomain.QEMU;

/** A disk the source will copy: its target and its size in bytes (the Begin cookie's NBD disks). */
export interface CopiedDisk {
  readonly target: string;
  readonly capacity: number;
}

/** A volume Prepare made, removed again when the migration does not complete. */
export interface CreatedVolume {
  readonly pool: string;
  readonly volume: string;
}

/** The active pool whose target directory is `dir` (virStoragePoolLookupByTargetPath), through the public API. */
async function poolByTargetPath(conn: Connection, dir: string): Promise<StoragePool> {
  const want = resolve(dir);
  for (const pool of await conn.listAllStoragePools(ListStoragePoolsFlags.ACTIVE)) {
    const target = parseStoragePoolXML(await pool.getXMLDesc()).targetPath;
    if (target !== undefined && resolve(target) === want) return pool;
  }
  throw new VirError(ErrorCode.NO_STORAGE_POOL, `no storage pool with matching target path '${dir}'`, ErrorDomain.STORAGE);
}

/** The volume XML libvirt asks the storage driver for: name, capacity and format (qcow2 images as v3). */
function volumeXML(name: string, capacity: number, format: string, compat: string | undefined): string {
  return `<volume>\n  <name>${escapeXml(name)}</name>\n  <capacity>${capacity}</capacity>\n  <target>\n    <format type='${format}'/>\n`
    + `${compat ? `    <compat>${compat}</compat>\n` : ''}  </target>\n</volume>\n`;
}

/**
 * Makes one missing disk image in the pool that holds it (qemuMigrationDstPrecreateDisk): a file
 * disk in the active pool whose target is its directory, a volume disk in its pool; network
 * disks need nothing; other kinds cannot be made. Answers the volume made, if any.
 */
async function precreateDisk(conn: Connection, d: QemuDisk, capacity: number): Promise<CreatedVolume | undefined> {
  let pool: StoragePool;
  let name: string;
  let compat: string | undefined;
  if (d.type === 'file') {
    if (d.path === undefined) return undefined;
    if (!d.path.includes('/')) throw new VirError(ErrorCode.INVALID_ARG, `malformed disk path: ${d.path}`, D);
    pool = await poolByTargetPath(conn, dirname(d.path));
    name = basename(d.path);
    if (d.format === 'qcow2') compat = '1.1';
  } else if (d.type === 'volume') {
    pool = await conn.storagePoolLookupByName(d.pool!);
    name = d.volume!;
  } else if (d.type === 'network') {
    return undefined;
  } else {
    throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot precreate storage for disk type '${d.type}'`, D);
  }
  const exists = await pool.storageVolLookupByName(name).then(() => true, () => false);
  if (exists) return undefined;
  const flags = d.format === 'qcow2' ? StorageVolCreateFlags.PREALLOC_METADATA : 0;
  await pool.createXML(volumeXML(name, capacity, d.format, compat), flags);
  return { pool: pool.getName(), volume: name };
}

/** Removes the volumes Prepare made, through the storage driver; what is already gone is fine. */
export async function removeCreated(drv: DriverContext, created: readonly CreatedVolume[]): Promise<void> {
  if (created.length === 0) return;
  await drv.withConnection(async (conn) => {
    for (const c of created) {
      const vol = await (await conn.storagePoolLookupByName(c.pool)).storageVolLookupByName(c.volume).catch(() => undefined);
      await vol?.delete().catch(() => undefined);
    }
  });
}

/**
 * qemuMigrationDstPrecreateStorage: for each disk the source copies whose image is missing here,
 * the image is made with the source's size and this definition's format. An incremental copy
 * needs the images (and their backing chains) present already. On failure, what was made is removed.
 */
export async function precreateStorage(
  drv: DriverContext, def: DomainDef, copied: readonly CopiedDisk[], named: readonly string[], incremental: boolean,
): Promise<CreatedVolume[]> {
  if (copied.length === 0) return [];
  const disks = disksOf(def.devices);
  const created: CreatedVolume[] = [];
  try {
    await drv.withConnection(async (conn) => {
      for (const c of copied) {
        const d = disks.find((x) => x.target === c.target);
        if (!d) throw new VirError(ErrorCode.INTERNAL_ERROR, `unable to find disk by target: ${c.target}`, D);
        if (!copiesDisk(d, named) || (d.path !== undefined && existsSync(d.path))) continue;
        if (incremental) {
          throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, 'pre-creation of storage targets for incremental storage migration is not supported', D);
        }
        const made = await precreateDisk(conn, d, c.capacity);
        if (made) created.push(made);
      }
    });
  } catch (e) {
    await removeCreated(drv, created);
    throw e;
  }
  return created;
}
