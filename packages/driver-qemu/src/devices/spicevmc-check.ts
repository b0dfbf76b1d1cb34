import type { DomainDef } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from './typed-devices.js';

/** Devices whose host side is a character device that may be a SPICE channel (a passthrough smartcard's too). */
const CHARDEV_KINDS = ['serial', 'parallel', 'console', 'channel', 'redirdev', 'smartcard'] as const;

/** A SPICE channel (`spicevmc`) needs a SPICE display to be carried by, as libvirt's QEMU driver checks at define. */
export function checkSpicevmc(def: DomainDef): void {
  if (devicesOf(def.devices, 'graphics').some((g) => g.type === 'spice')) return;
  if (CHARDEV_KINDS.some((k) => devicesOf(def.devices, k).some((c) => c.type === 'spicevmc'))) {
    throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, "chardev 'spicevmc' not supported without spice graphics", ErrorDomain.QEMU);
  }
}
