import { otherPart, setDomainPart, type DomainDef, type DomainPart } from '@tsvirt/conf';
import {
  DomainModificationImpact as Impact, TypedParameterFlags, checkExclusiveFlags, TypedParameterType as P, typedString, typedUInt, validateTypedParams,
  type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import type { DomainObject } from '../domain-object.js';
import { impactDef, impactDefs } from './impact.js';

const D = ErrorDomain.TEST;

type Blkio = DomainPart<'blkiotune'>;
type BlkioDevice = NonNullable<Blkio['devices']>[number];

/** The per-device parameters and the field of conf's `<blkiotune><device>` each is kept in. */
const DEVICE_FIELDS = [
  ['device_weight', 'weight'], ['device_read_iops_sec', 'readIopsSec'], ['device_write_iops_sec', 'writeIopsSec'],
  ['device_read_bytes_sec', 'readBytesSec'], ['device_write_bytes_sec', 'writeBytesSec'],
] as const;

function readBlkio(def: DomainDef): { weight: number; devices: BlkioDevice[] } {
  const blkio = otherPart(def, 'blkiotune');
  return { weight: Number(blkio?.weight ?? 0), devices: (blkio?.devices ?? []).map((d) => ({ ...d })) };
}

/** The weight and the devices that still have a limit; a zero means none, and nothing left removes `<blkiotune>`. */
function writeBlkio(def: DomainDef, weight: number, devices: readonly BlkioDevice[]): void {
  const kept = devices.map((d) => ({ ...d, ...Object.fromEntries(DEVICE_FIELDS.map(([, f]) => [f, d[f] || undefined])) }));
  setDomainPart(def, 'blkiotune', { ...otherPart(def, 'blkiotune'), weight: weight ? String(weight) : undefined, devices: kept.length ? kept : undefined });
}

const GET_FLAGS = Impact.LIVE | Impact.CONFIG | TypedParameterFlags.STRING_OKAY;

/** testDomainGetBlkioParameters asked for the count: it checks the flags, not the domain's state. */
export function blkioParameterCount(flags: number): number {
  checkFlags(flags, GET_FLAGS, 'testDomainGetBlkioParameters', D);
  checkExclusiveFlags(flags, Impact.LIVE, 'VIR_DOMAIN_AFFECT_LIVE', Impact.CONFIG, 'VIR_DOMAIN_AFFECT_CONFIG');
  return 1 + DEVICE_FIELDS.length;
}

/** testDomainGetBlkioParameters: the weight and, per kind of limit, `path,value` of each device that has one. */
export function getBlkioParameters(obj: DomainObject, flags: number): TypedParameter[] {
  checkFlags(flags, GET_FLAGS, 'testDomainGetBlkioParameters', D);
  const { weight, devices } = readBlkio(impactDef(obj, flags & ~TypedParameterFlags.STRING_OKAY));
  return [typedUInt('weight', weight), ...DEVICE_FIELDS.map(([field, tag]) => typedString(field,
    devices.filter((d) => d[tag]).map((d) => `${d.path},${d[tag]}`).join(',')))];
}

/** `path,value,path,value...` of one per-device parameter (libvirt's virDomainDriverParseBlkioDeviceStr). */
function parseDevices(field: string, text: string): Array<[string, bigint]> {
  if (text === '') return [];
  const parts = text.split(',');
  if (parts.length % 2 !== 0) throw new VirError(ErrorCode.INVALID_ARG, `unable to parse blkio device '${field}' '${text}'`, D);
  const out: Array<[string, bigint]> = [];
  for (let i = 0; i < parts.length; i += 2) {
    const [path, value] = [parts[i]!, parts[i + 1]!];
    if (!/^\d+$/.test(value)) throw new VirError(ErrorCode.INVALID_ARG, `invalid value '${value}' for parameter '${field}' of device '${path}'`, D);
    out.push([path, BigInt(value)]);
  }
  return out;
}

/** testDomainSetBlkioParameters: the weight and per-device limits of the definitions the impact names; a device with no limit left goes. */
export function setBlkioParameters(obj: DomainObject, params: readonly TypedParameter[], flags: number): void {
  checkFlags(flags, Impact.LIVE | Impact.CONFIG, 'testDomainSetBlkioParameters', D);
  validateTypedParams(params, { weight: P.UINT, ...Object.fromEntries(DEVICE_FIELDS.map(([f]) => [f, P.STRING])) });
  const changes = params.map((p) => {
    const tag = DEVICE_FIELDS.find(([f]) => f === p.field)?.[1];
    return { p, tag, devices: tag ? parseDevices(p.field, String(p.value)) : [] };
  });
  const { live, config } = impactDefs(obj, flags);
  for (const def of [live, config]) {
    if (!def) continue;
    let { weight, devices } = readBlkio(def);
    for (const { p, tag, devices: given } of changes) {
      if (!tag) {
        weight = Number(p.value);
        continue;
      }
      for (const [path, value] of given) {
        let dev = devices.find((d) => d.path === path);
        if (!dev) devices.push(dev = { path });
        dev[tag] = Number(value);
      }
    }
    devices = devices.filter((d) => DEVICE_FIELDS.some(([, f]) => d[f]));
    writeBlkio(def, weight, devices);
  }
}
