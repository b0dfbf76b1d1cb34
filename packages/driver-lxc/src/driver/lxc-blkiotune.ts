import { TypedParameterType, typedString, typedUInt, validateTypedParams, type TypedParameter } from '@tsvirt/api';
import { domainPart, formatDomainXML, parseDomainXML, withDomainPart, type DomainDef, type DomainPart } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { BLKIO_DEVICE_KEYS, blkioWeight, requireBlkio, setBlkioDevice, setBlkioWeight, type BlkioDeviceKey } from '../cgroup/blkio.js';
import { LXC_ARCH, saveConfig, writeStatus, type StoredDomain } from '../state/lxc-store.js';
import type { LxcContext } from './lxc-context.js';
import { tuningTargets } from './tuning-impact.js';

const D = ErrorDomain.LXC;
type Blkio = NonNullable<DomainPart<'blkiotune'>>;
type Device = NonNullable<Blkio['devices']>[number];

/** Parameters: the weight and the five per-device lists (libvirt's LXC_NB_BLKIO_PARAM). */
export const BLKIO_PARAM_COUNT = 1 + BLKIO_DEVICE_KEYS.length;

/** The per-device parameters of a definition: for each kind, `path,value,...` of the devices that have one. */
function deviceParams(bt: Blkio | undefined): TypedParameter[] {
  return BLKIO_DEVICE_KEYS.map(({ key, field }) => typedString(field,
    (bt?.devices ?? []).filter((d) => d[key]).map((d) => `${d.path},${d[key]}`).join(',')));
}

/** libvirt's lxcDomainGetBlkioParameters: the live weight from the cgroup and the devices from the live XML, or the definition's. */
export async function getBlkioParameters(d: StoredDomain, flags: number): Promise<TypedParameter[]> {
  const { live } = tuningTargets(d, flags);
  const bt = domainPart(live ? parseDomainXML(live.xml, { arch: LXC_ARCH }) : d.persistentDef!, 'blkiotune');
  if (!live) return [typedUInt('weight', Number(bt?.weight ?? 0)), ...deviceParams(bt)];
  requireBlkio(live.tree, live.cgroups);
  return [typedUInt('weight', await blkioWeight(live.tree, live.cgroups)), ...deviceParams(bt)];
}

/** `path,value,path,value...` of one per-device parameter (libvirt's virDomainDriverParseBlkioDeviceStr). */
function parseDeviceList(field: string, text: string): Array<[string, bigint]> {
  if (text === '') return [];
  const parts = text.split(',');
  if (parts.length % 2 !== 0 || parts.some((p, i) => i % 2 === 0 && p === '')) {
    throw new VirError(ErrorCode.INVALID_ARG, `unable to parse blkio device '${field}' '${text}'`, D);
  }
  const max = field.endsWith('bytes_sec') ? 2n ** 64n - 1n : 2n ** 32n - 1n;
  const out: Array<[string, bigint]> = [];
  for (let i = 0; i < parts.length; i += 2) {
    const [path, value] = [parts[i]!, parts[i + 1]!];
    if (!/^\d+$/.test(value) || BigInt(value) > max) {
      throw new VirError(ErrorCode.INVALID_ARG, `invalid value '${value}' for parameter '${field}' of device '${path}'`, D);
    }
    out.push([path, BigInt(value)]);
  }
  return out;
}

/** What a set call asks: the weight and, per device kind, the devices and their values. */
interface BlkioChange {
  weight?: number;
  devices: Array<{ key: BlkioDeviceKey; list: Array<[string, bigint]> }>;
}

/** A definition's `<blkiotune>` with a change merged in (libvirt's virDomainDriverMergeBlkioDevice); a device left with nothing set goes. */
function merged(def: DomainDef, change: BlkioChange): DomainDef {
  const bt = domainPart(def, 'blkiotune');
  const devices: Device[] = (bt?.devices ?? []).map((x) => ({ ...x }));
  for (const { key, list } of change.devices) {
    for (const [path, value] of list) {
      const dev = devices.find((x) => x.path === path);
      if (dev) dev[key] = value === 0n ? undefined : Number(value);
      else if (value !== 0n) devices.push({ path, [key]: Number(value) } as Device);
    }
  }
  const kept = devices.filter((x) => BLKIO_DEVICE_KEYS.some(({ key }) => x[key]));
  // As libvirt formats it: a zero weight or limit is not written.
  const weight = change.weight === undefined ? bt?.weight : change.weight === 0 ? undefined : String(change.weight);
  const empty = !kept.length && weight === undefined;
  return withDomainPart(def, 'blkiotune', empty ? undefined : ({ weight, devices: kept } as Blkio), { arch: LXC_ARCH });
}

/**
 * libvirt's lxcDomainSetBlkioParameters: the weight and per-device weights and limits, on the
 * running container's cgroup (what the kernel keeps goes into the live XML) and/or the definition.
 */
export async function setBlkioParameters(drv: LxcContext, d: StoredDomain, params: readonly TypedParameter[], flags: number): Promise<void> {
  validateTypedParams(params, { weight: TypedParameterType.UINT, ...Object.fromEntries(BLKIO_DEVICE_KEYS.map(({ field }) => [field, TypedParameterType.STRING])) });
  const change: BlkioChange = { devices: [] };
  for (const p of params) {
    const k = BLKIO_DEVICE_KEYS.find(({ field }) => field === p.field);
    if (k) change.devices.push({ key: k.key, list: parseDeviceList(p.field, String(p.value)) });
    else change.weight = Number(p.value);
  }
  const { live: active, config } = tuningTargets(d, flags);
  if (active) {
    const { tree, cgroups } = active;
    requireBlkio(tree, cgroups);
    const kept: BlkioChange = { devices: [] };
    if (change.weight !== undefined) {
      await setBlkioWeight(tree, cgroups, change.weight);
      kept.weight = await blkioWeight(tree, cgroups);
    }
    for (const { key, list } of change.devices) {
      const values: Array<[string, bigint]> = [];
      for (const [path, value] of list) values.push([path, await setBlkioDevice(tree, cgroups, path, key, value)]);
      kept.devices.push({ key, list: values });
    }
    active.xml = formatDomainXML(merged(parseDomainXML(active.xml, { arch: LXC_ARCH }), kept), { id: active.id });
    await writeStatus(drv.paths, active);
  }
  if (config && d.persistentDef) await saveConfig(drv.paths, d.name, formatDomainXML(merged(d.persistentDef, change), { inactive: true }));
}
