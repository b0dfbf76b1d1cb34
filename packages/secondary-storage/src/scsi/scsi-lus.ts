import { readdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StoragePoolDef } from '@tsvirt/conf';
import { ErrorDomain, VirError, ErrorCode, sysfsPath, systemError } from '@tsvirt/util';
import { volumeFacts, type VolumeEntry } from '../volume-facts.js';
import type { PoolSizes } from '../pool-backend.js';

/** SCSI peripheral types libvirt makes volumes of: disks and CD/DVD drives. */
const VOLUME_TYPES: ReadonlySet<number> = new Set([0, 5]);

/** The number of a host named `scsi_hostN`, `fc_hostN` or `hostN`; undefined for other names. */
export function parseHostNumber(name: string | undefined): number | undefined {
  const m = /^(?:scsi_|fc_)?host(\d+)$/.exec(name ?? '');
  return m ? Number(m[1]) : undefined;
}

/** The host number of an adapter named `scsi_hostN`, `fc_hostN` or `hostN`, or libvirt's refusal. */
export function hostNumber(name: string): number {
  const host = parseHostNumber(name);
  if (host === undefined) throw new VirError(ErrorCode.INTERNAL_ERROR, `Invalid adapter name '${name}' for SCSI pool`, ErrorDomain.STORAGE);
  return host;
}

/** Asks a SCSI host to scan its bus for new units (libvirt does at each refresh). */
export async function rescanHost(host: number): Promise<void> {
  const scan = sysfsPath(`class/scsi_host/host${host}/scan`);
  await writeFile(scan, '- - -').catch((e: unknown) => {
    throw systemError(`Could not open '${scan}' to trigger host scan`, e as NodeJS.ErrnoException, ErrorDomain.STORAGE);
  });
}

/** A target directory whose links name devices stably (`/dev/disk/by-path`, ...): under /dev, not /dev itself (libvirt's rule). */
const isStableDir = (dir: string | undefined): dir is string =>
  dir !== undefined && dir.startsWith('/dev') && dir !== '/dev' && dir !== '/dev/';

/**
 * The name a device has in a pool's target directory (libvirt's virStorageBackendStablePath): in
 * a stable directory such as /dev/disk/by-path, the link there that points to it; else, or when
 * no link does (tsvirt does not wait for udev to make one), the device's own path.
 */
export async function stablePath(targetDir: string | undefined, device: string): Promise<string> {
  if (!isStableDir(targetDir)) return device;
  const real = await realpath(device).catch(() => device);
  for (const name of (await readdir(targetDir).catch(() => [])).sort()) {
    const link = join(targetDir, name);
    if ((await realpath(link).catch(() => undefined)) === real) return link;
  }
  return device;
}

/**
 * The logical units of SCSI host `host` as volumes, from sysfs (`bus/scsi/devices/H:B:T:L`):
 * the disks and CD drives that have a block device, named `unit:B:T:L` as libvirt names them,
 * reached at `/dev/NAME` of their block device, or at its stable name when the pool's target is
 * a directory of them (`/dev/disk/by-path`).
 */
export async function hostUnits(def: StoragePoolDef, host: number): Promise<VolumeEntry[]> {
  const dir = sysfsPath('bus/scsi/devices');
  const units: VolumeEntry[] = [];
  for (const name of (await readdir(dir).catch(() => [])).sort()) {
    const m = /^(\d+):(\d+):(\d+):(\d+)$/.exec(name);
    if (!m || Number(m[1]) !== host) continue;
    const type = Number((await readFile(`${dir}/${name}/type`, 'utf8').catch(() => '')).trim());
    if (!VOLUME_TYPES.has(type)) continue;
    const [block] = await readdir(`${dir}/${name}/block`).catch(() => []);
    if (!block) continue;
    const path = await stablePath(def.targetPath, `/dev/${block}`);
    units.push({ pool: def.name, name: `unit:${m[2]}:${m[3]}:${m[4]}`, type: 'block', path, entry: path });
  }
  return units;
}

/** A pool of LUNs has their sizes summed; nothing of it is free for new volumes. */
export async function unitSizes(units: readonly VolumeEntry[]): Promise<PoolSizes> {
  let capacity = 0n;
  for (const u of units) capacity += (await volumeFacts(u).catch(() => undefined))?.capacity ?? 0n;
  return { capacity, allocation: capacity, available: 0n };
}
