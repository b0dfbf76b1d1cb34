import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { deviceArg } from './device-args.js';
import { aliasOf } from '../devices/device-aliases.js';
import { hasPcieRoot, pciAddressOf, pciProps } from './pci-address.js';

/**
 * `-device` of the watchdog and `-watchdog-action`. QEMU has no `dump` action: it pauses the
 * guest, and the dump is the management's to take when the watchdog event arrives.
 */
export function watchdogArgs(devices: readonly XmlElement[]): string[] {
  return devicesOf(devices, 'watchdog').flatMap((w) => {
    const id = aliasOf(w);
    let device: Record<string, unknown>;
    if (w.model === 'ib700') device = { driver: 'ib700', id };
    else if (w.model === 'i6300esb') device = { driver: 'i6300esb', id, ...pciProps(pciAddressOf(w), hasPcieRoot(devices)) };
    else throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `watchdog model '${w.model}' is not supported on this architecture`, ErrorDomain.QEMU);
    const action = w.action === 'dump' ? 'pause' : (w.action ?? 'reset');
    return [...deviceArg(device), '-watchdog-action', action];
  });
}
