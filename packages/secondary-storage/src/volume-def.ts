import { attr, childElements, firstChild, parseStorageVolXML, parseXml, textOf, type StoragePoolDef, type StorageVolDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { permissionsOf, type Permissions } from './pool-xml.js';

const D = ErrorDomain.STORAGE;
const VOL_TYPES = new Set(['file', 'block', 'dir', 'network', 'netdir', 'ploop']);
/** libvirt's file formats: what a volume of a file-backed pool may be. */
const FILE_FORMATS = new Set(['none', 'raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop', 'cow', 'qcow', 'qcow2', 'qed', 'vmdk']);

/** A new volume as a dir pool makes it. */
export interface NewVolume {
  readonly def: StorageVolDef;
  readonly name: string;
  readonly format: string;
  readonly capacity: bigint;
  readonly allocation: bigint;
  readonly perms: Permissions;
  readonly backing?: { readonly path: string; readonly format?: string };
  /** qemu-img `-o` options the target asks for (qcow2 compat, cluster size, lazy refcounts). */
  readonly options: readonly string[];
}

/** The qemu-img options of a target's `<compat>`, `<clusterSize>` and `<features>`. */
function imageOptions(def: StorageVolDef): string[] {
  const target = firstChild(def.xml, 'target');
  if (!target) return [];
  const opts: string[] = [];
  const compat = firstChild(target, 'compat');
  if (compat) opts.push(`compat=${textOf(compat).trim()}`);
  const cluster = firstChild(target, 'clusterSize');
  if (cluster) opts.push(`cluster_size=${textOf(cluster).trim()}`);
  const features = firstChild(target, 'features');
  if (features && firstChild(features, 'lazy_refcounts')) opts.push('lazy_refcounts');
  return opts;
}

/**
 * A volume definition as libvirt's storage driver reads one for a dir pool: the document's
 * syntax, a known type, a name without '/', a capacity and a known file format.
 */
export function parseNewVolume(xml: string, pool: StoragePoolDef): NewVolume {
  const root = parseXml(xml, 'storage_volume_definition', D);
  const type = root.name === 'volume' ? attr(root, 'type') : undefined;
  if (type !== undefined && !VOL_TYPES.has(type)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unknown volume type '${type}'`, D);
  const def = parseStorageVolXML(xml, pool);
  if (!firstChild(root, 'capacity')) throw new VirError(ErrorCode.XML_ERROR, 'missing capacity element', D);
  const format = def.format ?? 'raw';
  if (!FILE_FORMATS.has(format)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unknown volume format type ${format}`, D);
  if (def.name.includes('/')) throw new VirError(ErrorCode.OPERATION_INVALID, `volume name '${def.name}' cannot contain '/'`, D);
  const backingEl = firstChild(def.xml, 'backingStore');
  const backingPath = backingEl && firstChild(backingEl, 'path');
  const backingFormat = backingEl && childElements(backingEl, 'format')[0];
  const backingFormatType = backingFormat && attr(backingFormat, 'type');
  return {
    def,
    name: def.name,
    format,
    capacity: BigInt(def.capacity),
    allocation: BigInt(def.allocation),
    perms: permissionsOf(def.xml),
    ...(backingPath ? { backing: { path: textOf(backingPath).trim(), ...(backingFormatType ? { format: backingFormatType } : {}) } } : {}),
    options: imageOptions(def),
  };
}
