import { iotuneConflict, replaceDevices, type DeviceOf, type DiskIotune, type DiskIotuneLimit, type DomainDef } from '@tsvirt/conf';
import {
  BLOCK_IOTUNE_PARAM_TYPES, blockIotuneParams, DOMAIN_BLOCK_IOTUNE_FIELDS, DomainModificationImpact as Impact, TypedParameterFlags,
  validateTypedParams, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef } from './impact.js';
import { diskByName } from './stats.js';

const D = ErrorDomain.TEST;
const GET_FLAGS = Impact.LIVE | Impact.CONFIG | TypedParameterFlags.STRING_OKAY;

/** The test driver's ceiling for any one limit (libvirt's TEST_BLOCK_IOTUNE_MAX). */
const LIMIT_MAX = 1_000_000_000_000_000n;

/** The limits that must not exceed their `_max` burst, in the order libvirt checks them. */
const BURSTABLE = ['total_bytes_sec', 'read_bytes_sec', 'write_bytes_sec', 'total_iops_sec', 'read_iops_sec', 'write_iops_sec'] as const;

/** The one definition the flags name and its disk, by target or source path; `missing` words its absence. */
function diskOf(obj: DomainObject, disk: string, flags: number, missing: string): { def: DomainDef; d: DeviceOf<'disk'> } {
  const def = impactDef(obj, flags);
  const d = diskByName(def, disk);
  if (!d) throw new VirError(ErrorCode.INVALID_ARG, missing, D);
  return { def, d };
}

/** testDomainGetBlockIoTune asked for the count: the flags are checked, not the disk. */
export function blockIoTuneCount(flags: number): number {
  checkFlags(flags, GET_FLAGS, 'testDomainGetBlockIoTune', D);
  return DOMAIN_BLOCK_IOTUNE_FIELDS.length;
}

/** testDomainGetBlockIoTune: a disk's limits, named by target or source path; 0 and '' where none is set. */
export function getBlockIoTune(obj: DomainObject, disk: string, flags: number): TypedParameter[] {
  checkFlags(flags, GET_FLAGS, 'testDomainGetBlockIoTune', D);
  const t = diskOf(obj, disk, flags & ~TypedParameterFlags.STRING_OKAY, `disk '${disk}' was not found in the domain config`).d.iotune ?? {};
  return blockIotuneParams(t);
}

/** The disk's limits with the given ones merged in; 0 or '' clears one. */
function merged(old: DiskIotune | undefined, params: readonly TypedParameter[]): DiskIotune {
  const next: DiskIotune = { ...old };
  for (const p of params) {
    if (p.field === 'group_name') {
      next.group_name = (p.value as string) || undefined;
      continue;
    }
    const v = p.value as bigint;
    if (v > LIMIT_MAX) throw new VirError(ErrorCode.ARGUMENT_UNSUPPORTED, `block I/O throttle limit value must be no more than ${LIMIT_MAX}`, D);
    next[p.field as DiskIotuneLimit] = v || undefined;
  }
  return next;
}

/**
 * testDomainSetBlockIoTune: merges the given limits into one definition's disk, then refuses a total
 * limit beside a read/write one and a limit above its burst (`_max`, 0 when unset), as libvirt does.
 */
export function setBlockIoTune(obj: DomainObject, disk: string, params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetBlockIoTune', D);
  validateTypedParams(params, BLOCK_IOTUNE_PARAM_TYPES);
  const { def, d } = diskOf(obj, disk, flags, `missing persistent configuration for disk '${disk}'`);
  const next = merged(d.iotune, params);
  const conflict = iotuneConflict(next);
  if (conflict) throw new VirError(ErrorCode.INVALID_ARG, `total and read/write of ${conflict} cannot be set at the same time`, D);
  const over = BURSTABLE.find((f) => (next[f] ?? 0n) > (next[`${f}_max`] ?? 0n));
  // libvirt's message ends with a space.
  if (over) throw new VirError(ErrorCode.INVALID_ARG, `${over} cannot be set higher than ${over}_max `, D);
  def.devices = replaceDevices(def, [[d, { ...d, iotune: next }]]).devices;
}
