import { parseDevice, type DeviceOf, type DomainDef, type XmlElement } from '@tsvirt/conf';
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
const addressFits = (asked: Address, found: Address): boolean => asked?.type === undefined || sameAddress(asked, found);

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

function findController(def: DomainDef, asked: DeviceOf<'controller'>): XmlElement {
  if (asked.type !== 'scsi') throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `'${asked.type}' controller cannot be hot unplugged.`, D);
  const index = asked.index ?? 0;
  const c = devicesOf(def.devices, 'controller').find((x) => x.type === 'scsi' && (x.index ?? 0) === index);
  if (!c?.xml) throw missing(`controller scsi:${index} not found`);
  return c.xml;
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

/** The element of `kinds`'s first device `fits`, or libvirt's error. */
function first<K extends WholeKind>(def: DomainDef, kind: K, fits: (d: DeviceOf<K>) => boolean, err: () => VirError): XmlElement {
  const found = devicesOf(def.devices, kind).find(fits) as { xml?: XmlElement } | undefined;
  if (!found?.xml) throw err();
  return found.xml;
}

/**
 * The device of `def` that the element `el` asks to detach, found as libvirt's QEMU driver finds
 * each kind (virDomainChrFind, virDomainInputDefFind, ...), or its error naming what is missing.
 */
export function findWholeDevice(def: DomainDef, el: XmlElement): XmlElement {
  const asked = parseDevice(el);
  switch (asked?.kind) {
    case 'controller': return findController(def, asked);
    case 'serial': case 'parallel': case 'channel': case 'console': {
      const c = asked as Chardev;
      return first(def, asked.kind, (x) => chardevEquals(c, x as Chardev), () => missing(`chr type '${asked.kind}' device not present in domain configuration`));
    }
    case 'input':
      return first(def, 'input', (x) => x.type === asked.type && (x.bus ?? 'ps2') === (asked.bus ?? 'ps2') && x.model === asked.model
        && same(x.source?.evdev ?? x.source?.dev, asked.source?.evdev ?? asked.source?.dev) && addressFits(asked.address, x.address), () => missing('matching input device not found'));
    case 'watchdog': {
      const w = devicesOf(def.devices, 'watchdog')[0];
      if (!w?.xml) throw missing('watchdog device not present in domain configuration');
      if (w.model !== asked.model || (w.action ?? 'reset') !== (asked.action ?? 'reset') || !sameAddress(asked.address, w.address)) {
        throw missing(`model '${w.model ?? ''}' watchdog device not present in domain configuration`);
      }
      return w.xml;
    }
    case 'rng':
      return first(def, 'rng', (x) => rngEquals(asked, x), () => missing(`model '${RNG_MESSAGE_NAME[asked.model ?? 'virtio'] ?? ''}' RNG device not present in domain configuration`));
    case 'shmem':
      return first(def, 'shmem', (x) => shmemEquals(asked, x), () => missing(`model '${asked.model ?? 'ivshmem'}' shmem device not present in domain configuration`));
    case 'vsock':
      return first(def, 'vsock', (x) => (x.model ?? 'virtio') === (asked.model ?? 'virtio') && same(x.cid, asked.cid) && addressFits(asked.address, x.address), () => missing('matching vsock device not found'));
    case 'redirdev':
      return first(def, 'redirdev', (x) => (x.bus ?? 'usb') === (asked.bus ?? 'usb') && sameSource(asked.type, asked.sources, x.type, x.sources) && addressFits(asked.address, x.address),
        () => new VirError(ErrorCode.OPERATION_INVALID, 'no matching redirdev was not found', D));
    default:
      throw new VirError(ErrorCode.OPERATION_UNSUPPORTED, `live detach of device '${el.name}' is not supported`, D);
  }
}
