import type { XmlElement } from '@tsvirt/conf';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { devicesOf } from '../devices/typed-devices.js';
import { deviceArg } from './device-args.js';
import { aliasOf, controllerAlias } from '../devices/device-aliases.js';
import { chardevArgs, type HostFds } from './chardev-host.js';

/** `-chardev` and `-device ccid-card-passthru` of each smartcard passed through a character device, on its CCID reader. */
export function smartcardArgs(devices: readonly XmlElement[], fds: HostFds | undefined): string[] {
  return devicesOf(devices, 'smartcard').flatMap((card) => {
    if (card.mode !== 'passthrough') {
      throw new VirError(ErrorCode.CONFIG_UNSUPPORTED, `smartcard mode '${card.mode ?? 'host'}' is not supported by this driver yet`, ErrorDomain.QEMU);
    }
    const id = aliasOf(card);
    const chardev = `char${id}`;
    const a = card.address?.type === 'ccid' ? card.address : undefined;
    return [...chardevArgs(card, chardev, fds), ...deviceArg({ driver: 'ccid-card-passthru', chardev, id, bus: `${controllerAlias(devices, 'ccid', a?.controller ?? 0)}.0` })];
  });
}
