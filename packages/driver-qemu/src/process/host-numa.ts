import { existsSync } from 'node:fs';
import { ErrorCode, ErrorDomain, VirError, sysfsPath } from '@tsvirt/util';

/**
 * Refuses host NUMA nodes the host does not have (virNumaNodesetIsAvailable): a node is there
 * when sysfs lists it (`TSVIRT_SYSFS_ROOT` for a fake tree); a host without NUMA in sysfs has node
 * 0 only, as libvirt without libnuma's view.
 */
export function checkHostNumaNodes(nodes: readonly number[]): void {
  const numa = existsSync(sysfsPath('devices/system/node'));
  for (const n of nodes) {
    if (numa ? existsSync(sysfsPath(`devices/system/node/node${n}`)) : n === 0) continue;
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `NUMA node ${n} is unavailable`, ErrorDomain.NONE);
  }
}
