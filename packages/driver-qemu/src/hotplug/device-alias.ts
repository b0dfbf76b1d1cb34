import { parseDevice, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { isWholeKind } from './whole-device-find.js';

/** A device named by its alias (virDomainDetachDeviceAlias). */
export interface DeviceByAlias {
  readonly alias: string;
}

/** The kinds this driver can detach live, the ones a live alias is looked for among. */
const LIVE_DETACHABLE = ['disk', 'hostdev', 'interface', 'memory'] as const;

const notFound = (alias: string): VirError => new VirError(ErrorCode.INTERNAL_ERROR, `no device found with alias ${alias}`, ErrorDomain.QEMU);

/**
 * The element of the device with `alias` among the live-detachable kinds of `def`, or of the kinds
 * unplugged whole (`whole-unplug.ts`: chardevs, inputs, watchdogs, RNGs, shmem, SCSI controllers,
 * ...), or of a kind libvirt refuses live (the refusal is the live step's); libvirtd 9.0 answers
 * none with an internal error. Other kinds (filesystems) answer as none.
 */
export function deviceByAlias(def: DomainDef, alias: string): XmlElement {
  for (const kind of LIVE_DETACHABLE) {
    const found = devicesOf(def.devices, kind).find((d) => d.alias === alias);
    if (found?.xml) return found.xml;
  }
  const other = def.devices.find((el) => el.name !== 'emulator' && (parseDevice(el) as { alias?: string }).alias === alias);
  if (other && (liveRefusal(other) || isWholeKind(other.name))) return other;
  throw notFound(alias);
}

/** The kinds libvirt 9.0's QEMU driver never unplugs (its name of each, virDomainDeviceType). */
const NEVER_UNPLUGGED = new Set(['sound', 'video', 'memballoon', 'graphics', 'hub', 'smartcard', 'panic', 'tpm', 'iommu', 'nvram', 'audio', 'crypto']);

/** libvirt's refusal of a live detach of `el`, for the kinds it refuses before asking QEMU. */
export function liveRefusal(el: XmlElement): VirError | undefined {
  const unsupported = (msg: string): VirError => new VirError(ErrorCode.OPERATION_UNSUPPORTED, msg, ErrorDomain.QEMU);
  if (NEVER_UNPLUGGED.has(el.name)) return unsupported(`live detach of device '${el.name}' is not supported`);
  const type = (parseDevice(el) as { type?: string }).type;
  if (el.name === 'controller' && type !== 'scsi') return unsupported(`'${type}' controller cannot be hot unplugged.`);
  const bus = (parseDevice(el) as { bus?: string }).bus ?? 'ps2';
  if (el.name === 'input' && bus !== 'usb' && bus !== 'virtio') return unsupported(`input device on bus '${bus}' cannot be detached`);
  return undefined;
}

/** libvirt's refusal of a device to attach whose user alias (`ua-…`) a device of `def` has already (virDomainDeviceValidateAliasForHotplug). */
export function refuseTakenAlias(def: DomainDef, el: XmlElement): void {
  const alias = (parseDevice(el) as { alias?: string } | undefined)?.alias;
  if (!alias?.startsWith('ua-')) return;
  if (def.devices.some((x) => x.name !== 'emulator' && (parseDevice(x) as { alias?: string } | undefined)?.alias === alias)) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `non unique alias detected: ${alias}`, ErrorDomain.QEMU);
  }
}

/** The element of any device with `alias` in a persistent definition (user aliases, `ua-…`, are kept there). */
export function anyDeviceByAlias(def: DomainDef, alias: string): XmlElement {
  const found = def.devices.find((el) => el.name !== 'emulator' && (parseDevice(el) as { alias?: string }).alias === alias);
  if (!found) throw notFound(alias);
  return found;
}
