import {
  attr, element, firstChild, formatXml, parseStoragePoolXML, parseStorageVolXML, parseXml, type StoragePoolDef, type StorageVolDef,
} from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';

const D = ErrorDomain.STORAGE;
const xmlError = (detail: string): VirError => new VirError(ErrorCode.XML_ERROR, detail, D);

/** What each pool type requires of its definition (libvirt's per-type pool options). */
interface PoolNeeds {
  readonly host?: boolean;
  readonly dir?: boolean;
  readonly adapter?: boolean;
  readonly device?: boolean;
  /** The pool's volumes live under `<target><path>`; network pools have none. */
  readonly noTarget?: boolean;
}

/** libvirt's pool types, in its enumeration's order. */
const POOL_TYPES: Readonly<Record<string, PoolNeeds>> = {
  dir: {}, fs: { device: true }, netfs: { host: true, dir: true }, logical: {}, disk: { device: true },
  iscsi: { host: true }, 'iscsi-direct': { host: true, noTarget: true }, scsi: { adapter: true }, mpath: {},
  rbd: { host: true, noTarget: true }, sheepdog: { host: true, noTarget: true }, gluster: { host: true, noTarget: true },
  zfs: {}, vstorage: {},
};
export const POOL_TYPE_NAMES = Object.keys(POOL_TYPES);

/**
 * The checks libvirt's pool parser makes that conf's parseStoragePoolXML leaves to its caller:
 * libvirt's document name in syntax errors, the required type attribute and its values, and what
 * each pool type needs in `<source>` and `<target>`, in libvirt's order and words.
 */
export function parsePoolXML(xml: string): StoragePoolDef {
  const root = parseXml(xml, 'storage_pool_definition');
  if (root.name !== 'pool') throw xmlError(`expecting root element of 'pool', not '${root.name}'`);
  const type = attr(root, 'type');
  if (type === undefined) throw xmlError("Missing required attribute 'type' in element 'pool'");
  const needs = POOL_TYPES[type];
  if (!needs) throw xmlError(`Invalid value for attribute 'type' in element 'pool': '${type}'.`);
  const source = firstChild(root, 'source');
  const has = (name: string): boolean => source !== undefined && firstChild(source, name) !== undefined;
  if (!firstChild(root, 'name') && !(type === 'logical' && has('name'))) throw xmlError('missing pool source name element');
  const def = parseStoragePoolXML(xml);
  if (needs.host && !has('host')) throw xmlError('missing storage pool source host name');
  if (needs.dir && !has('dir')) throw xmlError('missing storage pool source path');
  if (needs.adapter && !has('adapter')) throw xmlError('missing storage pool source adapter');
  if (needs.device && !has('device')) throw xmlError('missing storage pool source device name');
  if (type === 'rbd' && !has('name')) throw xmlError("element 'name' is mandatory for RBD pool");
  if (!needs.noTarget && def.targetPath === undefined) throw xmlError('missing storage pool target path');
  if (type === 'iscsi-direct' && !source?.children.some((c) => c.kind === 'element' && c.name === 'initiator')) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, 'missing initiator IQN', D);
  }
  return def;
}

const VOL_TYPES = new Set(['file', 'block', 'dir', 'network', 'netdir', 'ploop']);

const FILE_FORMATS = ['none', 'raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop', 'cow', 'qcow', 'qcow2', 'qed', 'vmdk'];
const PARTITION_FORMATS = ['none', 'linux', 'fat16', 'fat32', 'linux-swap', 'linux-lvm', 'linux-raid', 'extended'];
/** The volume formats each pool type knows and the one a volume gets by default; other pools have none. */
const VOL_FORMATS: Readonly<Record<string, { readonly names: readonly string[]; readonly dflt: string }>> = {
  dir: { names: FILE_FORMATS, dflt: 'raw' }, fs: { names: FILE_FORMATS, dflt: 'raw' }, netfs: { names: FILE_FORMATS, dflt: 'raw' },
  vstorage: { names: FILE_FORMATS, dflt: 'raw' }, gluster: { names: FILE_FORMATS, dflt: 'raw' }, rbd: { names: FILE_FORMATS, dflt: 'raw' },
  disk: { names: PARTITION_FORMATS, dflt: 'none' },
};

/** Gives a volume its pool type's format rules: a known format or the default, or no format at all. */
function applyFormat(def: StorageVolDef, poolType: string): void {
  const target = firstChild(def.xml, 'target')!;
  const rules = VOL_FORMATS[poolType];
  const format = def.format ?? rules?.dflt;
  target.children = target.children.filter((c) => c.kind !== 'element' || c.name !== 'format');
  if (!rules || format === undefined) {
    delete def.format;
    return;
  }
  if (!rules.names.includes(format)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unknown volume format type ${format}`, D);
  target.children.push(element('format', [['type', format]]));
  def.format = format;
}

/**
 * A volume definition as libvirt's test driver reads one: libvirt's document name in syntax
 * errors, a capacity required, the type `file` unless the document names one (the pool's own
 * volume type is what virStorageVolGetInfo reports, not what the XML shows).
 */
export function parseVolXML(xml: string, pool: StoragePoolDef): StorageVolDef {
  const root = parseXml(xml, 'storage_volume_definition');
  const type = root.name === 'volume' ? attr(root, 'type') : undefined;
  if (type !== undefined && !VOL_TYPES.has(type)) throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `unknown volume type '${type}'`, D);
  // Without a <target> conf would not give the volume its pool's default format, which libvirt always shows.
  if (root.name === 'volume' && !firstChild(root, 'target')) root.children.push(element('target'));
  const def = parseStorageVolXML(formatXml(root), pool);
  if (!firstChild(root, 'capacity')) throw xmlError('missing capacity element');
  def.type = type ?? 'file';
  applyFormat(def, pool.type);
  return def;
}
