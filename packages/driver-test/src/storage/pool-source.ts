import { poolPart, type StoragePoolDef } from '@tsvirt/conf';

/** The parts of a pool's `<source>` that say which storage it uses. */
interface SourceFacts {
  readonly host?: string;
  readonly dir?: string;
  readonly device?: string;
  readonly name?: string;
}

function sourceFacts(def: StoragePoolDef): SourceFacts {
  const source = poolPart(def, 'source');
  const [host] = source?.hosts ?? [];
  const [device] = source?.devices ?? [];
  return {
    ...(host ? { host: host.name } : {}),
    ...(source?.dir !== undefined ? { dir: source.dir } : {}),
    ...(device ? { device: device.path } : {}),
    ...(source?.name !== undefined ? { name: source.name } : {}),
  };
}

/** Pool types whose storage is a block device: two of them may not share one. */
const DEVICE_POOLS = new Set(['fs', 'logical', 'disk', 'zfs']);

/**
 * Whether a new pool definition would use the storage an existing pool (of another name) already
 * uses, by libvirt's rules: the same directory, export, device or volume group.
 */
export function sameStorage(existing: StoragePoolDef, def: StoragePoolDef): boolean {
  const a = sourceFacts(existing);
  const b = sourceFacts(def);
  const defined = (x: string | undefined, y: string | undefined): boolean => x !== undefined && x === y;
  if (DEVICE_POOLS.has(existing.type)) return DEVICE_POOLS.has(def.type) && defined(a.device, b.device);
  if (existing.type !== def.type) return false;
  switch (def.type) {
    case 'dir':
      return defined(existing.targetPath, def.targetPath);
    case 'netfs':
      return defined(a.dir, b.dir) && defined(a.host, b.host);
    case 'gluster':
      return defined(a.name, b.name) && defined(a.dir, b.dir) && defined(a.host, b.host);
    case 'iscsi':
    case 'iscsi-direct':
      return defined(a.host, b.host) && defined(a.device, b.device);
    case 'vstorage':
      return defined(a.name, b.name);
    case 'mpath':
      // Only one multipath pool can exist on a host.
      return true;
    default:
      return false;
  }
}
