import { parseDevice, type DomainDef, type XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { usbDevices } from '../devices/usb-address-set.js';

/** The kinds libvirt checks against the domain before an attach, live or to the definition. */
const CHECKED = new Set(['disk', 'input', 'hostdev', 'hub']);

const unsupported = (msg: string): VirError => new VirError(ErrorCode.CONFIG_UNSUPPORTED, msg, ErrorDomain.DOMAIN);

/**
 * libvirt's first refusal of a USB device attached to a domain whose USB is off (no USB
 * controller but `model='none'`): USB disks, inputs, host devices and hubs in one set of words, a
 * redirected device in its own. Other USB kinds (serial ports, sound cards, CCID readers) are
 * refused later, when their USB port or the definition is worked out.
 */
export function refuseUsbWithoutBus(def: DomainDef, el: XmlElement): void {
  if (devicesOf(def.devices, 'controller').some((c) => c.type === 'usb' && c.model !== 'none')) return;
  const dev = parseDevice(structuredClone(el));
  if (dev?.kind === 'redirdev') throw unsupported('cannot add redirected USB device: USB is disabled for this domain');
  if (dev && CHECKED.has(dev.kind) && usbDevices([el]).length > 0) throw unsupported('Device configuration is not compatible: Domain has no USB bus support');
}
