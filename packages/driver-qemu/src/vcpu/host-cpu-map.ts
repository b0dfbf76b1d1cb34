import { readFile } from 'node:fs/promises';
import { parseCpuSet } from '@tsvirt/conf';
import type { NodeCPUMap } from '@tsvirt/api';
import { ErrorDomain, checkFlags, sysfsPath } from '@tsvirt/util';

/**
 * virNodeGetCPUMap as libvirt's host CPU code answers it: as many CPUs as are present, the online
 * ones from sysfs (python3-libvirt sizes every CPU map with it before pinning or reading pins).
 */
export async function hostCpuMap(flags: number): Promise<NodeCPUMap> {
  checkFlags(flags, 0, 'virHostCPUGetMap', ErrorDomain.NONE);
  const [present, online] = await Promise.all(['present', 'online'].map(async (f) => parseCpuSet((await readFile(sysfsPath(`devices/system/cpu/${f}`), 'utf8')).trim())));
  const cpus = present!.lastIndexOf(true) + 1;
  const map = Array.from({ length: cpus }, (_, i) => online![i] === true);
  return { cpus, online: map, onlineCount: map.filter(Boolean).length };
}
