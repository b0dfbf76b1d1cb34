import { StorageVolDeleteFlags, type Connection, type Domain, type StorageVol } from '@tsvirt/api';
import { childElements, firstChild, parseDevice, parseXml, type DeviceOf } from '@tsvirt/conf';
import type { Ctl } from '../../vsh/ctl.js';
import { splitCommaList } from '../../vsh/comma-list.js';
import { VshError } from '../../vsh/vsh-error.js';

/** What `undefine` was asked to do with the domain's storage. */
export interface StorageRemoval {
  /** `--storage`: targets or source paths; undefined with `--remove-all-storage`. */
  readonly only?: string[];
  readonly wipe: boolean;
  readonly withSnapshots: boolean;
}

/** A volume to remove after the domain is gone, named as virsh names it: `'target'(source)`. */
interface DiskVolume {
  readonly target: string;
  readonly source: string;
  readonly vol: StorageVol;
}

/** Reads and checks virsh's storage options of `undefine`, in its order and words. */
export function storageRemoval(opts: { storage?: string; all: boolean; wipe: boolean; withSnapshots: boolean }): StorageRemoval | undefined {
  if (opts.withSnapshots && !opts.all) throw new VshError('Option --remove-all-storage is required by option --delete-storage-volume-snapshots');
  // virsh reads an empty --storage as none.
  const storage = opts.storage === '' ? undefined : opts.storage;
  if (storage !== undefined && opts.all) throw new VshError('Specified both --storage and --remove-all-storage');
  if (storage === undefined && !opts.all) {
    if (opts.wipe) throw new VshError("'--wipe-storage' requires '--storage <string>' or '--remove-all-storage'");
    return undefined;
  }
  return { ...(storage !== undefined ? { only: splitCommaList(storage) } : {}), wipe: opts.wipe, withSnapshots: opts.withSnapshots };
}

type Disk = DeviceOf<'disk'>;

/** A disk's source as virsh's XPath picks it: file, dir, name, dev or volume. */
const sourceOf = (d: Disk): string | undefined => d.source?.file ?? d.source?.dir ?? d.source?.name ?? d.source?.dev ?? d.source?.volume;

/** The volume behind a disk through the storage API, or undefined after virsh's message when there is none. */
async function volumeOf(ctl: Ctl, conn: Connection, target: string, source: string, pool: string | undefined): Promise<StorageVol | undefined> {
  let vol: StorageVol | undefined;
  if (pool !== undefined) {
    const p = await conn.storagePoolLookupByName(pool).catch(() => undefined);
    if (!p) {
      ctl.error(`Storage pool '${pool}' for volume '${target}' not found.`);
      return undefined;
    }
    vol = await p.storageVolLookupByName(source).catch(() => undefined);
  } else {
    vol = await conn.storageVolLookupByPath(source).catch(() => undefined);
  }
  if (!vol) ctl.error(`Storage volume '${target}'(${source}) is not managed by libvirt. Remove it manually.\n`);
  return vol;
}

/**
 * The volumes of the domain's disks that `removal` selects, looked up before the domain is
 * undefined. Disks whose volume libvirt does not manage are reported and skipped; a `--storage`
 * item that names no disk is reported too, and then nothing is removed (undefined).
 */
export async function volumesToRemove(ctl: Ctl, conn: Connection, dom: Domain, removal: StorageRemoval): Promise<DiskVolume[] | undefined> {
  if (await dom.isActive()) throw new VshError('Storage volume deletion is supported only on stopped domains');
  const devices = firstChild(parseXml(await dom.getXMLDesc(), 'domain'), 'devices');
  const wanted: Array<string | undefined> = [...(removal.only ?? [])];
  const vols: DiskVolume[] = [];
  for (const el of devices ? childElements(devices, 'disk') : []) {
    const disk = parseDevice(el) as Disk;
    const target = disk.target?.dev;
    const source = sourceOf(disk);
    if (!target || !source) continue;
    if (removal.only) {
      const i = wanted.findIndex((w) => w === target || w === source);
      if (i < 0) continue;
      wanted[i] = undefined;
    }
    const vol = await volumeOf(ctl, conn, target, source, disk.source?.pool);
    if (vol) vols.push({ target, source, vol });
  }
  const missing = wanted.filter((w): w is string => w !== undefined);
  for (const w of missing) ctl.error(`Volume '${w}' was not found in domain's definition.\n`);
  return missing.length > 0 ? undefined : vols;
}

/**
 * Wipes (when asked) and deletes each volume after the domain is undefined, going on past
 * failures as virsh does; answers the last library error when any step failed.
 */
export async function removeVolumes(ctl: Ctl, vols: readonly DiskVolume[], removal: StorageRemoval): Promise<{ failed: boolean; last?: unknown }> {
  let failed = false;
  let last: unknown;
  for (const { target, source, vol } of vols) {
    const name = `'${target}'(${source})`;
    if (removal.wipe) {
      ctl.extra(`Wiping volume ${name} ... `);
      try {
        await vol.wipe();
        ctl.extra('Done.\n');
      } catch (e) {
        ctl.error('Failed! Volume not removed.');
        [failed, last] = [true, e];
        continue;
      }
    }
    try {
      await vol.delete(removal.withSnapshots ? StorageVolDeleteFlags.WITH_SNAPSHOTS : 0);
      ctl.extra(`Volume ${name} removed.\n`);
    } catch (e) {
      ctl.error(`Failed to remove storage volume ${name}`);
      [failed, last] = [true, e];
    }
  }
  return { failed, last };
}
