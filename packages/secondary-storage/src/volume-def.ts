import { parseStorageVolXML, volumePart, type StoragePoolDef, type StorageVolDef, type VolumePart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { volumePermissions, type Permissions } from './permissions.js';
import { encryptionOf, type VolumeEncryption } from './volume-encryption.js';

const D = ErrorDomain.STORAGE;

/** A new volume as a dir pool makes it. */
export interface NewVolume {
  readonly def: StorageVolDef;
  readonly name: string;
  readonly format: string;
  readonly capacity: bigint;
  readonly allocation: bigint;
  readonly perms: Permissions;
  readonly backing?: { readonly path: string; readonly format: string };
  /** The target's image options: compat level, cluster size in bytes, features. */
  readonly compat?: string;
  readonly clusterSize?: string;
  readonly features: readonly string[];
  /** LUKS encryption asked for. */
  readonly encryption?: VolumeEncryption;
}

/** The target's `<features>` by name (lazy_refcounts, extended_l2). */
function featuresOf(target: VolumePart<'target'> | undefined): string[] {
  return [...(target?.lazyRefcounts ? ['lazy_refcounts'] : []), ...(target?.extendedL2 ? ['extended_l2'] : [])];
}

/**
 * A volume definition as libvirt's storage driver reads one for a dir pool: conf's parse (libvirt's
 * storage conf checks: type, capacity, the pool's formats), then a name without '/'.
 */
export function parseNewVolume(xml: string, pool: StoragePoolDef, cloneCapacity?: bigint): NewVolume {
  // A clone's XML may name no capacity (libvirt's clones may omit it): it takes the source's.
  const def = parseStorageVolXML(xml, pool, cloneCapacity === undefined ? {} : { defaultCapacity: cloneCapacity });
  const format = def.format ?? 'raw';
  if (def.name.includes('/')) throw new VirError(ErrorCode.OPERATION_INVALID, `volume name '${def.name}' cannot contain '/'`, D);
  const target = volumePart(def, 'target');
  // conf keeps a backing store only with a path, and gives it the pool's default format.
  const backing = volumePart(def, 'backingStore');
  const encryption = encryptionOf(target);
  return {
    def,
    name: def.name,
    format,
    capacity: BigInt(def.capacity),
    allocation: BigInt(def.allocation),
    perms: volumePermissions(def),
    ...(backing?.path !== undefined ? { backing: { path: backing.path, format: backing.format ?? 'raw' } } : {}),
    ...(target?.compat !== undefined ? { compat: target.compat } : {}),
    ...(target?.clusterSize !== undefined ? { clusterSize: String(target.clusterSize) } : {}),
    features: featuresOf(target),
    ...(encryption ? { encryption } : {}),
  };
}
