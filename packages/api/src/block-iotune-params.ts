import { DISK_IOTUNE_LIMITS, type DiskIotune } from '@tsvirt/conf';
import { DOMAIN_BLOCK_IOTUNE_FIELDS } from './domain-control-flags.js';
import { TypedParameterType as P, typedString, typedULLong, type TypedParameter, type validateTypedParams } from './typed-params.js';

/** The type of each virDomainSetBlockIoTune parameter, for `validateTypedParams`. */
export const BLOCK_IOTUNE_PARAM_TYPES = {
  ...Object.fromEntries(DISK_IOTUNE_LIMITS.map((f) => [f, P.ULLONG])), group_name: P.STRING,
} as Parameters<typeof validateTypedParams>[1];

/** A disk's limits as virDomainGetBlockIoTune's parameters, in libvirt's order; 0 and '' where none is set. */
export const blockIotuneParams = (t: DiskIotune): TypedParameter[] =>
  DOMAIN_BLOCK_IOTUNE_FIELDS.map((f) => (f === 'group_name' ? typedString(f, t.group_name ?? '') : typedULLong(f, t[f] ?? 0n)));
