import { formatDomainXML, parseDomainXML, type DomainDef } from '@tsvirt/conf';
import {
  DOMAIN_BANDWIDTH_FIELDS, DomainModificationImpact as I, TypedParameterFlags, TypedParameterType as P,
  typedUInt, validateTypedParams, type TypedParameter,
} from '@tsvirt/api';
import { ErrorCode, ErrorDomain, VirError, checkFlags } from '@tsvirt/util';
import { devicesOf, writeBack, type DeviceOf } from '../devices/typed-devices.js';
import { setTapBandwidth, type Bandwidth } from '../network/interface-bandwidth.js';
import type { ActiveStatus } from '../state/domain-status.js';
import { GUEST_ARCH, qemuStore, type StoredDomain } from '../state/qemu-store.js';
import { writeStatus } from '../state/run-status.js';
import type { DriverContext } from './driver-context.js';
import { modificationImpact } from './modification-impact.js';

const D = ErrorDomain.QEMU;
type Nic = DeviceOf<'interface'>;
type Direction = 'inbound' | 'outbound';
type Rate = NonNullable<Bandwidth[Direction]>;

/** The interface types whose tap (or macvtap) libvirt can shape. */
const SHAPEABLE = new Set(['bridge', 'network', 'direct', 'ethernet']);

/** libvirt's virDomainNetFind: by MAC address, else by the host-side name (`<target dev>`). */
function findNic(def: DomainDef, device: string): Nic {
  const mac = /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(device) ? device.toLowerCase() : undefined;
  const nic = devicesOf(def.devices, 'interface').find((n) => (mac ? n.mac?.toLowerCase() === mac : n.target?.dev === device));
  if (!nic) throw new VirError(ErrorCode.INVALID_ARG, `'${device}' is not a known interface`, ErrorDomain.DOMAIN);
  return nic;
}

const liveDef = (d: StoredDomain): DomainDef => parseDomainXML((d.status as ActiveStatus).xml, { arch: GUEST_ARCH });

/** The one definition a query reads (libvirt's virDomainObjGetOneDef). */
function oneDef(d: StoredDomain, flags: number): DomainDef {
  if (flags & I.LIVE && flags & I.CONFIG) {
    const text = "Flags 'VIR_DOMAIN_AFFECT_LIVE' and 'VIR_DOMAIN_AFFECT_CONFIG' are mutually exclusive";
    throw new VirError(ErrorCode.INVALID_ARG, text, ErrorDomain.DOMAIN, { message: text });
  }
  return modificationImpact(d, flags).live ? liveDef(d) : d.persistentDef!;
}

const GET_FLAGS = I.LIVE | I.CONFIG | TypedParameterFlags.STRING_OKAY;

/** virDomainGetInterfaceParameters with no room: the count comes before the interface is looked up. */
export function interfaceParameterCount(d: StoredDomain, flags: number): number {
  checkFlags(flags, GET_FLAGS, 'qemuDomainGetInterfaceParameters', D);
  oneDef(d, flags & ~TypedParameterFlags.STRING_OKAY);
  return DOMAIN_BANDWIDTH_FIELDS.length;
}

/** virDomainGetInterfaceParameters: the interface's `<bandwidth>` in the definition asked for, 0 where it sets nothing. */
export function interfaceParameters(d: StoredDomain, device: string, flags: number): TypedParameter[] {
  checkFlags(flags, GET_FLAGS, 'qemuDomainGetInterfaceParameters', D);
  const bw = findNic(oneDef(d, flags & ~TypedParameterFlags.STRING_OKAY), device).bandwidth;
  return DOMAIN_BANDWIDTH_FIELDS.map((f) => {
    const [dir, key] = f.split('.') as [Direction, keyof Rate];
    return typedUInt(f, bw?.[dir]?.[key] ?? 0);
  });
}

/**
 * What a call asks for: each direction's new rate (a direction goes unset without its average, or
 * floor inbound), and whether the call named that direction at all (then an unset one is removed).
 */
interface Request {
  readonly rate: Partial<Record<Direction, Rate>>;
  readonly named: Record<Direction, boolean>;
}

function request(params: readonly TypedParameter[]): Request {
  const given: Record<Direction, Record<string, number>> = { inbound: {}, outbound: {} };
  for (const p of params) {
    const [dir, key] = p.field.split('.') as [Direction, string];
    given[dir][key] = Number(p.value);
  }
  const rate = (dir: Direction): Rate | undefined => {
    const r = Object.fromEntries(Object.entries(given[dir]).filter(([, v]) => v !== 0)) as Rate;
    return r.average || r.floor ? r : undefined;
  };
  const named = (dir: Direction): boolean => 'average' in given[dir] || 'floor' in given[dir];
  return { rate: { inbound: rate('inbound'), outbound: rate('outbound') }, named: { inbound: named('inbound'), outbound: named('outbound') } };
}

/** The interface's bandwidth after the request: a named direction is replaced (or removed), another kept. */
function merged(old: Bandwidth | undefined, req: Request): Bandwidth | undefined {
  const pick = (dir: Direction): Rate | undefined => req.rate[dir] ?? (req.named[dir] ? undefined : old?.[dir]);
  const bw = { inbound: pick('inbound'), outbound: pick('outbound') };
  return bw.inbound || bw.outbound ? bw : undefined;
}

/**
 * virDomainSetInterfaceParameters as libvirt 9.0's QEMU driver: every reached interface must be of
 * a type libvirt can shape; live, the new limits go onto the tap with tc (the old ones put back if
 * tc fails) and a floor is refused (it needs a network's class tree); the definitions are changed last.
 */
export async function setInterfaceParameters(drv: DriverContext, d: StoredDomain, device: string, params: readonly TypedParameter[], flags: number): Promise<void> {
  checkFlags(flags, I.LIVE | I.CONFIG, 'qemuDomainSetInterfaceParameters', D);
  validateTypedParams(params, Object.fromEntries(DOMAIN_BANDWIDTH_FIELDS.map((f) => [f, P.UINT])));
  const impact = modificationImpact(d, flags);
  const live = impact.live ? liveDef(d) : undefined;
  const liveNic = live && findNic(live, device);
  const configNic = impact.config ? findNic(d.persistentDef!, device) : undefined;
  for (const nic of [liveNic, configNic]) {
    if (nic && !SHAPEABLE.has(nic.type ?? '')) {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `setting bandwidth on interfaces of type '${nic.type}' is not implemented yet`, D);
    }
  }
  const req = request(params);
  if (live && liveNic) {
    const bw = merged(liveNic.bandwidth, req);
    if (bw?.inbound?.floor) {
      throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `Invalid use of 'floor' on interface with MAC address ${liveNic.mac} - 'floor' is only supported for interface type 'network' with forward type 'nat', 'route', 'open' or none`, D);
    }
    const tap = liveNic.target?.dev ?? '';
    await setTapBandwidth(tap, bw).catch(async (e: unknown) => {
      await setTapBandwidth(tap, liveNic.bandwidth).catch(() => undefined);
      throw e;
    });
    writeBack(live, { ...liveNic, bandwidth: bw });
    const s = d.status as ActiveStatus;
    s.xml = formatDomainXML(live, { id: s.id });
    await writeStatus(drv.paths, s);
  }
  if (configNic) {
    const def = d.persistentDef!;
    writeBack(def, { ...configNic, bandwidth: merged(configNic.bandwidth, req) });
    await qemuStore(drv.paths).saveConfig(def.name, formatDomainXML(def, { inactive: true }));
  }
}
