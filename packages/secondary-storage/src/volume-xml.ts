import { stat } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { formatStorageVolXML, newStorageVolDef, withVolumePart, type VolumePart } from '@tsvirt/conf';
import { imageInfo } from './qemu-img.js';
import type { VolumeFacts } from './volume-facts.js';

/** A stat time as libvirt prints it: seconds, then nanoseconds when there are any. */
function timestamp(ns: bigint): string {
  const sec = ns / 1_000_000_000n;
  const nsec = ns % 1_000_000_000n;
  return nsec ? `${sec}.${String(nsec).padStart(9, '0')}` : String(sec);
}

/** Path, format, permissions and timestamps of a target or backing store (libvirt reads no birth time). */
function found(path: string, format: string | undefined, st: BigIntStats | undefined): VolumePart<'backingStore'> {
  return {
    path,
    ...(format !== undefined ? { format } : {}),
    ...(st
      ? {
          permissions: { mode: `0${(st.mode & 0o7777n).toString(8)}`, owner: String(st.uid), group: String(st.gid) },
          timestamps: { atime: timestamp(st.atimeNs), mtime: timestamp(st.mtimeNs), ctime: timestamp(st.ctimeNs), btime: '0' },
        }
      : {}),
  };
}

/** The backing store: its format from the image's header, else probed, and its stat when it exists. */
async function backingStore(backing: NonNullable<VolumeFacts['backing']>): Promise<VolumePart<'backingStore'>> {
  const st = await stat(backing.path, { bigint: true }).catch(() => undefined);
  const format = backing.format ?? (st ? (await imageInfo(backing.path))?.format : undefined);
  return found(backing.path, format, st);
}

/** The target: what was found, a LUKS volume's `<encryption>` naming the secret found for it, a qcow2 cluster size. */
function target(v: VolumeFacts, secretUUID: string | undefined): VolumePart<'target'> {
  return {
    ...found(v.path, v.format, v.stat),
    ...(v.encrypted ? { encryptionFormat: 'luks' } : {}),
    ...(v.encrypted && secretUUID ? { encryptionSecret: { type: 'passphrase', uuid: secretUUID } } : {}),
    ...(v.clusterSize !== undefined ? { clusterSize: Number(v.clusterSize) } : {}),
  };
}

/**
 * libvirt's volume XML of a dir pool's volume, as its refresh fills it in; `secretUUID` is the
 * volume secret whose usage is the volume's path, for an encrypted volume.
 */
export async function volumeXML(v: VolumeFacts, secretUUID?: string): Promise<string> {
  let def = newStorageVolDef({
    type: v.type, name: v.name, key: v.path, capacity: v.capacity, allocation: v.allocation, ...(v.physical !== undefined ? { physical: v.physical } : {}),
  });
  def = withVolumePart(def, 'target', target(v, secretUUID));
  if (v.backing) def = withVolumePart(def, 'backingStore', await backingStore(v.backing));
  return formatStorageVolXML(def);
}
