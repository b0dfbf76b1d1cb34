import { own } from '../own.js';

/** The parts of a pool's `<source>` that a pool type reads and prints. */
export type PoolSourcePart = 'host' | 'device' | 'dir' | 'adapter' | 'name' | 'initiator';

/** A set of format names and the one a document gets when it names none. */
export interface FormatRules {
  readonly names: readonly string[];
  readonly dflt: string;
}

/** What libvirt's storage conf layer knows about one pool type. */
export interface PoolTypeInfo {
  /** The `<source>` parts the type reads; the others are dropped. */
  readonly source: readonly PoolSourcePart[];
  /** The parts a definition must give (the name may also come from the pool's own name). */
  readonly required: readonly PoolSourcePart[];
  /** Network pools have no `<target>`: their volumes are not files on the host. */
  readonly network?: boolean;
  /** `<source><format type>`: the pool types that have one. */
  readonly poolFormats?: FormatRules;
  /** `<target><format type>` of the type's volumes. */
  readonly volFormats?: FormatRules;
  /** Where the volumes of a volume-group pool appear: the target path is this plus the source name. */
  readonly deviceDir?: string;
}

const FILE_FORMATS: FormatRules = {
  names: ['none', 'raw', 'dir', 'bochs', 'cloop', 'dmg', 'iso', 'vpc', 'vdi', 'fat', 'vhd', 'ploop', 'cow', 'qcow', 'qcow2', 'qed', 'vmdk'],
  dflt: 'raw',
};
const PARTITION_FORMATS: FormatRules = {
  names: ['none', 'linux', 'fat16', 'fat32', 'linux-swap', 'linux-lvm', 'linux-raid', 'extended'],
  dflt: 'none',
};
const FS_FORMATS: FormatRules = {
  names: ['auto', 'ext2', 'ext3', 'ext4', 'ufs', 'iso9660', 'udf', 'gfs', 'gfs2', 'vfat', 'hfs+', 'xfs', 'ocfs2', 'vmfs'],
  dflt: 'auto',
};

/** libvirt's pool types, in its enumeration's order. */
export const POOL_TYPES: Readonly<Record<string, PoolTypeInfo>> = {
  dir: { source: [], required: [], volFormats: FILE_FORMATS },
  fs: { source: ['device'], required: ['device'], poolFormats: FS_FORMATS, volFormats: FILE_FORMATS },
  netfs: {
    source: ['host', 'dir'], required: ['host', 'dir'],
    poolFormats: { names: ['auto', 'nfs', 'glusterfs', 'cifs'], dflt: 'auto' }, volFormats: FILE_FORMATS,
  },
  logical: { source: ['name', 'device'], required: ['name'], poolFormats: { names: ['unknown', 'lvm2'], dflt: 'lvm2' }, deviceDir: '/dev/' },
  disk: {
    source: ['device'], required: ['device'],
    poolFormats: { names: ['unknown', 'dos', 'dvh', 'gpt', 'mac', 'bsd', 'pc98', 'sun', 'lvm2'], dflt: 'unknown' },
    volFormats: PARTITION_FORMATS,
  },
  iscsi: { source: ['host', 'device', 'initiator'], required: ['host'] },
  'iscsi-direct': { source: ['host', 'device', 'initiator'], required: ['host', 'initiator'], network: true },
  scsi: { source: ['adapter'], required: ['adapter'] },
  mpath: { source: [], required: [] },
  rbd: { source: ['host', 'name'], required: ['host', 'name'], network: true, volFormats: FILE_FORMATS },
  sheepdog: { source: ['host', 'name'], required: ['host', 'name'], network: true },
  gluster: { source: ['host', 'dir', 'name'], required: ['host', 'name'], network: true, volFormats: FILE_FORMATS },
  zfs: { source: ['name', 'device'], required: ['name'], deviceDir: '/dev/zvol/' },
  vstorage: { source: ['name'], required: ['name'], volFormats: FILE_FORMATS },
};

export const POOL_TYPE_NAMES: readonly string[] = Object.keys(POOL_TYPES);

/** The volume format rules of a pool type; undefined when its volumes have no format. */
export function volumeFormats(poolType: string): FormatRules | undefined {
  return own(POOL_TYPES, poolType)?.volFormats;
}
