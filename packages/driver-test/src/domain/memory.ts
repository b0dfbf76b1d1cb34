import { otherPart, toKiB, type DomainDef } from '@tsvirt/conf';
import { DomainMemoryModFlags as M } from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;

function hasNumaCells(def: DomainDef): boolean {
  return (otherPart(def, 'cpu')?.numa?.cells?.length ?? 0) > 0;
}

/** `<maxMemory>`, the hotplug ceiling, in KiB when the definition has one. */
function hotplugCeilingKiB(def: DomainDef): number | undefined {
  const max = otherPart(def, 'maxMemory');
  return max?.size === undefined ? undefined : toKiB(Number(max.size.trim()), max.unit);
}

/**
 * testDomainSetMemoryFlags: the current allocation, or with MAXIMUM the initial memory of a
 * domain that is not running (the current allocation shrinks to fit).
 */
export function setMemoryFlags(obj: DomainObject, kib: number, flags: number): void {
  checkFlags(flags, M.LIVE | M.CONFIG | M.MAXIMUM, 'testDomainSetMemoryFlags', D);
  const def = impactDef(obj, flags);
  if (!(flags & M.MAXIMUM)) {
    if (kib > def.memoryKiB) throw new VirError(ErrorCode.INVALID_ARG, 'cannot set memory higher than max memory', D);
    def.currentMemoryKiB = kib;
    return;
  }
  if (impactDefs(obj, flags).flags & M.LIVE) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot resize the maximum memory on an active domain', D);
  }
  if (hasNumaCells(def)) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'initial memory size of a domain with NUMA nodes cannot be modified with this API', D);
  }
  const ceiling = hotplugCeilingKiB(def);
  if (ceiling !== undefined && ceiling < kib) {
    throw new VirError(ErrorCode.OPERATION_INVALID, 'cannot set initial memory size greater than the maximum memory size', D);
  }
  def.memoryKiB = kib;
  def.currentMemoryKiB = Math.min(def.currentMemoryKiB, kib);
}
