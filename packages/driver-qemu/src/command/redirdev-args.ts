/**
 * `<redirdev>` on QEMU's command line as libvirt 9.0 writes it: the character device the USB
 * traffic comes over (`charredirN`: a TCP or UNIX socket, SPICE's usbredir channel, ...), then
 * `usb-redir` on its USB port, with the domain's `<redirfilter>` rules and its boot order.
 */
import type { XmlElement } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';
import { usbRedirFilter } from '../devices/redirfilter-rules.js';
import { chardevArgs, type HostFds } from './chardev-host.js';
import { defined, deviceArg } from './device-args.js';
import { usbPlacement } from './usb-address.js';
import { aliasOf } from '../devices/device-aliases.js';

/** `-chardev` and `-device usb-redir` of each redirected USB device. */
export function redirdevArgs(devices: readonly XmlElement[], fds: HostFds | undefined): string[] {
  const rules = devicesOf(devices, 'redirfilter')[0]?.usbdevs ?? [];
  return devicesOf(devices, 'redirdev').flatMap((r) => {
    const id = aliasOf(r);
    const chardev = `char${id}`;
    // SPICE's channel for USB redirection is its `usbredir` one (a chardev's own spicevmc is the agent's).
    const host = r.type === 'spicevmc' ? ['-chardev', `spicevmc,id=${chardev},name=usbredir`] : chardevArgs(r, chardev, fds);
    return [...host, ...deviceArg(defined({
      driver: 'usb-redir', chardev, id, filter: rules.length ? usbRedirFilter(rules) : undefined, bootindex: r.bootOrder, ...usbPlacement(devices, r),
    }))];
  });
}
