import { parseDevice, type DeviceOf, type DomainDef, type DomainDevice, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { disksOf, driveAddress } from '../devices/qemu-disk.js';

const D = ErrorDomain.QEMU;

/** The kinds unplugged whole by device_del (their backends after them), beside disks, hostdevs, interfaces and memory. */
export const WHOLE_KINDS = ['controller', 'serial', 'parallel', 'channel', 'console', 'input', 'watchdog', 'rng', 'shmem', 'redirdev', 'vsock'] as const;
export type WholeKind = (typeof WHOLE_KINDS)[number];
export const isWholeKind = (name: string): name is WholeKind => (WHOLE_KINDS as readonly string[]).includes(name);

type Chardev = DeviceOf<'serial'> | DeviceOf<'parallel'> | DeviceOf<'channel'> | DeviceOf<'console'>;
type Source = NonNullable<DeviceOf<'serial'>['sources']>[number];
type Address = DeviceOf<'rng'>['address'];

const missing = (msg: string): VirError => new VirError(ErrorCode.DEVICE_MISSING, msg, D);
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** virDomainDeviceInfoAddressIsEqual: the same address type and numbers (none on both counts). */
const sameAddress = (a: Address, b: Address): boolean => same(a, b);
/** An address the asked device gives must be the found one's; none matches any. */
export const addressFits = (asked: Address, found: Address): boolean => asked?.type === undefined || sameAddress(asked, found);

/** virDomainChrSourceDefIsEqual: the host side's type and what identifies it for that type. */
function sameSource(typeA: string | undefined, a: readonly Source[] | undefined, typeB: string | undefined, b: readonly Source[] | undefined): boolean {
  const type = typeA ?? 'pty';
  if (type !== (typeB ?? 'pty')) return false;
  const [x, y] = [a?.[0] ?? {}, b?.[0] ?? {}];
  switch (type) {
    case 'pty': case 'dev': case 'pipe': case 'nmdm': return x.path === y.path;
    case 'file': return x.path === y.path && (x.append ?? 'off') === (y.append ?? 'off');
    case 'unix': return x.path === y.path && (x.mode ?? 'connect') === (y.mode ?? 'connect');
    case 'tcp': return x.host === y.host && x.service === y.service && (x.mode ?? 'connect') === (y.mode ?? 'connect');
    case 'udp': return same(a, b);
    case 'spiceport': return x.channel === y.channel;
    default: return true;
  }
}

/** The target type a chardev has when its XML names none (the serial's after libvirt's post-parse). */
const targetType = (c: Chardev): string | undefined => c.target?.type ?? (c.kind === 'serial' ? 'isa-serial' : c.kind === 'console' ? 'serial' : undefined);

/** virDomainChrEquals: kind and host side, then a channel's target name or a port's number. */
function chardevEquals(asked: Chardev, c: Chardev): boolean {
  if (!sameSource(asked.type, asked.sources, c.type, c.sources)) return false;
  if (asked.kind === 'channel') return targetType(asked) === targetType(c) && asked.target?.name === c.target?.name;
  if (asked.kind === 'serial' && targetType(asked) !== targetType(c)) return false;
  return asked.target?.port === c.target?.port;
}

/** libvirt's qemuDomainControllerIsBusy for a SCSI controller: a disk or host device on it. */
export function refuseBusyController(def: DomainDef, c: DeviceOf<'controller'>): void {
  const index = c.index ?? 0;
  const onIt = disksOf(def.devices).some((d) => d.bus === 'scsi' && driveAddress(d).controller === index)
    || devicesOf(def.devices, 'hostdev').some((h) => h.address?.type === 'drive' && (h.address.controller ?? 0) === index);
  if (onIt) throw new VirError(ErrorCode.OPERATION_FAILED, 'device cannot be detached: device is busy', D);
}

/** libvirt's names of RNG backends, which its refusal prints for the asked model's number (virDomainRNGFind's caller). */
const RNG_MESSAGE_NAME: Readonly<Record<string, string>> = { virtio: 'random', 'virtio-transitional': 'egd', 'virtio-non-transitional': 'builtin' };

function rngEquals(asked: DeviceOf<'rng'>, r: DeviceOf<'rng'>): boolean {
  const [a, b] = [asked.backend ?? {}, r.backend ?? {}];
  if ((asked.model ?? 'virtio') !== (r.model ?? 'virtio') || (a.model ?? 'random') !== (b.model ?? 'random')) return false;
  if (!same(asked.rate, r.rate) || !addressFits(asked.address, r.address)) return false;
  if (a.model === 'egd') return sameSource(a.type, a.sources, b.type, b.sources);
  return (a.model ?? 'random') !== 'random' || (a.path ?? '/dev/random') === (b.path ?? '/dev/random');
}

function shmemEquals(asked: DeviceOf<'shmem'>, s: DeviceOf<'shmem'>): boolean {
  return asked.name === s.name && (asked.model ?? 'ivshmem') === (s.model ?? 'ivshmem') && (asked.size === undefined || asked.size === s.size)
    && asked.server?.path === s.server?.path && addressFits(asked.address, s.address);
}

/** The element of the first device of `kind` that `fits`. */
function first<K extends WholeKind>(def: DomainDef, kind: K, fits: (d: DeviceOf<K>) => boolean): XmlElement | undefined {
  return (devicesOf(def.devices, kind).find(fits) as { xml?: XmlElement } | undefined)?.xml;
}

/** Whether a watchdog is the one asked for (model, action and address; libvirt 9.0 has one watchdog at most). */
const watchdogFits = (asked: DeviceOf<'watchdog'>, w: DeviceOf<'watchdog'>): boolean =>
  w.model === asked.model && (w.action ?? 'reset') === (asked.action ?? 'reset') && sameAddress(asked.address, w.address);

/**
 * The device of `def` that `el` names, found as libvirt finds each kind (virDomainChrFind,
 * virDomainInputDefFind, virDomainRNGFind, ...), or undefined; a controller by type and index,
 * the watchdog whatever it is (the callers check it).
 */
export function matchWholeDevice(def: DomainDef, el: XmlElement): XmlElement | undefined {
  const asked = parseDevice(el);
  switch (asked?.kind) {
    case 'controller':
      return first(def, 'controller', (x) => x.type === asked.type && (x.index ?? 0) === (asked.index ?? 0));
    case 'serial': case 'parallel': case 'channel': case 'console':
      return first(def, asked.kind, (x) => chardevEquals(asked as Chardev, x as Chardev));
    case 'input':
      return first(def, 'input', (x) => x.type === asked.type && (x.bus ?? 'ps2') === (asked.bus ?? 'ps2') && x.model === asked.model
        && same(x.source?.evdev ?? x.source?.dev, asked.source?.evdev ?? asked.source?.dev) && addressFits(asked.address, x.address));
    case 'watchdog':
      return devicesOf(def.devices, 'watchdog')[0]?.xml;
    case 'rng':
      return first(def, 'rng', (x) => rngEquals(asked, x));
    case 'shmem':
      return first(def, 'shmem', (x) => shmemEquals(asked, x));
    case 'vsock':
      return first(def, 'vsock', (x) => (x.model ?? 'virtio') === (asked.model ?? 'virtio') && same(x.cid, asked.cid) && addressFits(asked.address, x.address));
    case 'redirdev':
      return first(def, 'redirdev', (x) => (x.bus ?? 'usb') === (asked.bus ?? 'usb') && sameSource(asked.type, asked.sources, x.type, x.sources) && addressFits(asked.address, x.address));
    default:
      return undefined;
  }
}

/** libvirt's words when a live detach finds no device `asked` names (qemuDomainDetachPrep*). */
function liveMissing(asked: DomainDevice): VirError {
  switch (asked.kind) {
    case 'controller': return missing(`controller ${asked.type ?? ''}:${asked.index ?? 0} not found`);
    case 'serial': case 'parallel': case 'channel': case 'console': return missing(`chr type '${asked.kind}' device not present in domain configuration`);
    case 'input': return missing('matching input device not found');
    case 'watchdog': return missing('watchdog device not present in domain configuration');
    case 'rng': return missing(`model '${RNG_MESSAGE_NAME[asked.model ?? 'virtio'] ?? ''}' RNG device not present in domain configuration`);
    case 'shmem': return missing(`model '${asked.model ?? 'ivshmem'}' shmem device not present in domain configuration`);
    case 'vsock': return missing('matching vsock device not found');
    default: return new VirError(ErrorCode.OPERATION_INVALID, 'no matching redirdev was not found', D);
  }
}

/** libvirt's words when a config detach finds no device `asked` names (qemuDomainDetachDeviceConfig). */
function configMissing(asked: DomainDevice): VirError {
  switch (asked.kind) {
    case 'serial': case 'parallel': case 'channel': case 'console':
      return new VirError(ErrorCode.INVALID_ARG, 'device not present in domain configuration', D);
    case 'controller': return missing('device not present in domain configuration');
    case 'input': return missing('matching input device not found');
    case 'watchdog': return missing('domain has no watchdog');
    case 'rng': return missing('no matching RNG device was found');
    case 'shmem': return missing('matching shmem device was not found');
    case 'vsock': return new VirError(ErrorCode.OPERATION_FAILED, 'matching vsock device not found', D);
    default: return missing('no matching redirdev was not found');
  }
}

/**
 * The device of the live definition `def` that the element `el` asks to detach, found as libvirt's
 * QEMU driver finds each kind, or its error naming what is missing.
 */
export function findWholeDevice(def: DomainDef, el: XmlElement): XmlElement {
  const asked = parseDevice(el);
  if (!asked || !isWholeKind(asked.kind)) throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `live detach of device '${el.name}' is not supported`, D);
  if (asked.kind === 'controller' && asked.type !== 'scsi') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `'${asked.type}' controller cannot be hot unplugged.`, D);
  const found = matchWholeDevice(def, el);
  if (!found) throw liveMissing(asked);
  if (asked.kind === 'watchdog' && !watchdogFits(asked, parseDevice(found) as DeviceOf<'watchdog'>)) {
    throw missing(`model '${(parseDevice(found) as DeviceOf<'watchdog'>).model ?? ''}' watchdog device not present in domain configuration`);
  }
  return found;
}

/** The device of a persistent definition that `el` asks to remove, or libvirt's error (the kinds `matchWholeDevice` knows). */
export function findWholeConfigDevice(def: DomainDef, el: XmlElement): XmlElement {
  const asked = parseDevice(el)!;
  const found = matchWholeDevice(def, el);
  if (!found) throw configMissing(asked);
  return found;
}
