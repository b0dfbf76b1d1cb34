import {
  attr, childElements, element, firstChild, formatXml, parseStorageVolXML, parseXml, textNode, textOf, type StoragePoolDef, type StorageVolDef,
} from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { permissionsOf, type Permissions } from './permissions.js';
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

/** The text of a child of `<target>`, when there is one. */
function targetText(def: StorageVolDef, name: string): string | undefined {
  const target = firstChild(def.xml, 'target');
  const el = target && firstChild(target, name);
  return el ? textOf(el).trim() : undefined;
}

/** The names of the target's `<features>` (lazy_refcounts, extended_l2). */
function featuresOf(def: StorageVolDef): string[] {
  const target = firstChild(def.xml, 'target');
  const features = target && firstChild(target, 'features');
  return features ? childElements(features).map((f) => f.name) : [];
}

/** A clone's XML with the source's capacity when it names none (libvirt's clones may omit it). */
function withCapacity(xml: string, capacity: bigint): string {
  const root = parseXml(xml, 'storage_volume_definition', D);
  if (root.name !== 'volume' || firstChild(root, 'capacity')) return xml;
  root.children.push(element('capacity', [['unit', 'bytes']], [textNode(String(capacity))]));
  return formatXml(root);
}

/**
 * A volume definition as libvirt's storage driver reads one for a dir pool: conf's parse (libvirt's
 * storage conf checks: type, capacity, the pool's formats), then a name without '/'.
 */
export function parseNewVolume(xml: string, pool: StoragePoolDef, cloneCapacity?: bigint): NewVolume {
  const def = parseStorageVolXML(cloneCapacity === undefined ? xml : withCapacity(xml, cloneCapacity), pool);
  const format = def.format ?? 'raw';
  if (def.name.includes('/')) throw new VirError(ErrorCode.OPERATION_INVALID, `volume name '${def.name}' cannot contain '/'`, D);
  const backing = firstChild(def.xml, 'backingStore');
  const backingFormat = backing && firstChild(backing, 'format');
  const compat = targetText(def, 'compat');
  const clusterSize = targetText(def, 'clusterSize');
  const encryption = encryptionOf(def);
  return {
    def,
    name: def.name,
    format,
    capacity: BigInt(def.capacity),
    allocation: BigInt(def.allocation),
    perms: permissionsOf(def.xml),
    // conf keeps a backing store only with a path, and gives it the pool's default format.
    ...(backing ? { backing: { path: textOf(firstChild(backing, 'path')!).trim(), format: (backingFormat && attr(backingFormat, 'type')) ?? 'raw' } } : {}),
    ...(compat !== undefined ? { compat } : {}),
    ...(clusterSize !== undefined ? { clusterSize } : {}),
    features: featuresOf(def),
    ...(encryption ? { encryption } : {}),
  };
}
