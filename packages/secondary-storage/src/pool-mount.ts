import { readFile } from 'node:fs/promises';
import { poolMountOptions, type StoragePoolDef } from '@tsvirt/conf';
import { ErrorDomain, runCommand } from '@tsvirt/util';
import { checkDeviceFormat } from './device-probe.js';
import { sourceDevice, sourceOf, targetOf } from './pool-xml.js';

/** The file system type of the pool's source (`auto`: let mount probe it). */
const formatOf = (def: StoragePoolDef): string => sourceOf(def).format ?? 'auto';

/** What is mounted: an fs pool's device, a netfs pool's export in its file system's syntax. */
function mountSource(def: StoragePoolDef): string {
  if (def.type === 'fs') return sourceDevice(def) ?? '';
  const source = sourceOf(def);
  const host = source.hosts?.[0]?.name ?? '';
  const dir = source.dir ?? '';
  return formatOf(def) === 'cifs' ? `//${host}/${dir}` : `${host}:${dir}`;
}

/**
 * The arguments of the `mount` libvirt runs on Linux to start an fs or netfs pool: nodev, nosuid
 * and noexec always, what the file system needs (guest for CIFS, direct I/O for GlusterFS), the NFS
 * version and the `<fs:mount_opts>` options; the type unless it is `auto`.
 */
export function mountArgs(def: StoragePoolDef): string[] {
  const format = formatOf(def);
  const opts = ['nodev', 'nosuid', 'noexec'];
  if (format === 'glusterfs') opts.push('direct-io-mode=1');
  if (format === 'cifs') opts.push('guest');
  const ver = sourceOf(def).protocolVersion;
  if (ver !== undefined) opts.push(`nfsvers=${ver}`);
  opts.push(...poolMountOptions(def));
  return ['-o', opts.join(','), ...(format === 'auto' ? [] : ['-t', format]), mountSource(def), targetOf(def)];
}

/** Whether something is mounted on the pool's directory (/proc/mounts, octal escapes decoded). */
export async function isMounted(def: StoragePoolDef): Promise<boolean> {
  const mounts = await readFile('/proc/mounts', 'utf8').catch(() => '');
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return mounts.split('\n').some((line) => unescape(line.split(' ')[1] ?? '') === targetOf(def));
}

/** Mounts an fs or netfs pool's file system on its directory, unless something already is. */
export async function mountPool(def: StoragePoolDef): Promise<void> {
  if (!(await isMounted(def))) await runCommand('mount', mountArgs(def), { domain: ErrorDomain.NONE });
}

/** Unmounts the pool's directory, if something is mounted there. */
export async function unmountPool(def: StoragePoolDef): Promise<void> {
  if (await isMounted(def)) await runCommand('umount', [targetOf(def)], { domain: ErrorDomain.NONE });
}

/**
 * Makes the file system of an fs pool on its device (pool-build with OVERWRITE or NO_OVERWRITE).
 * NO_OVERWRITE refuses a device that already holds a file system, as libvirt's blkid probe does.
 */
export async function makeFileSystem(def: StoragePoolDef, overwrite: boolean): Promise<void> {
  const device = sourceDevice(def) ?? '';
  const format = formatOf(def);
  if (!overwrite) await checkDeviceFormat(device, 'TYPE', format, true);
  // mke2fs and mkfs.xfs ask before overwriting a file system unless forced.
  const force = overwrite ? (format.startsWith('ext') ? ['-F'] : format === 'xfs' ? ['-f'] : []) : [];
  await runCommand('mkfs', ['-t', format, ...force, device], { domain: ErrorDomain.NONE });
}
