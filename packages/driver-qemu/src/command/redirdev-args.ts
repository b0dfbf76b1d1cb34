/**
 * `<redirdev>` on QEMU's command line as libvirt 9.0 writes it: the character device the USB
 * traffic comes over (`charredirN`: a TCP or UNIX socket, SPICE's usbredir channel, ...), then
 * `usb-redir` on its USB port, with the domain's `<redirfilter>` rules and its boot order.
 */
import type { DeviceOf, XmlElement } from '@tsvirt/conf';
import { devicesOf } from '../devices/typed-devices.js';
import { chardevArgs, type HostFds } from './chardev-host.js';
import { defined, deviceArg } from './device-args.js';
import { usbPlacement } from './usb-address.js';
import { idOf } from './user-alias.js';

type FilterRule = NonNullable<DeviceOf<'redirfilter'>['usbdevs']>[number];

/** A hexadecimal field of a rule (`0x08`, `0x15e1`) in QEMU's spelling, `-1` for any. */
function hexField(text: string | undefined, width: number): string {
  const n = text === undefined ? -1 : Number.parseInt(text, 16);
  return n < 0 ? '-1' : `0x${n.toString(16).toUpperCase().padStart(width, '0')}`;
}

/** A USB release (`1.10`, `2.0`, `9.4`) as its BCD number: the minor part is two hex digits, one digit being the tens. */
function versionField(text: string | undefined): string {
  if (text === undefined || text === '-1') return '-1';
  const [major = '0', minor = '0'] = text.split('.');
  const bcd = (Number.parseInt(major, 16) << 8) | (Number.parseInt(minor, 16) << (minor.length === 1 ? 4 : 0));
  return `0x${bcd.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** usb-redir's `filter`: each rule `class:vendor:product:version:allow`, joined by `|`. */
function filterOf(rules: readonly FilterRule[]): string {
  return rules.map((r) => [hexField(r.class, 2), hexField(r.vendor, 4), hexField(r.product, 4), versionField(r.version), r.allow ? '1' : '0'].join(':')).join('|');
}

/** The QEMU ids of the domain's redirected USB devices: `redirN` by position, or the user alias. */
export const redirdevIds = (devices: readonly XmlElement[]): string[] => devicesOf(devices, 'redirdev').map((r, i) => idOf(r.alias, `redir${i}`));

/** `-chardev` and `-device usb-redir` of each redirected USB device. */
export function redirdevArgs(devices: readonly XmlElement[], fds: HostFds | undefined): string[] {
  const rules = devicesOf(devices, 'redirfilter')[0]?.usbdevs ?? [];
  const ids = redirdevIds(devices);
  return devicesOf(devices, 'redirdev').flatMap((r, i) => {
    const id = ids[i]!;
    const chardev = `char${id}`;
    // SPICE's channel for USB redirection is its `usbredir` one (a chardev's own spicevmc is the agent's).
    const host = r.type === 'spicevmc' ? ['-chardev', `spicevmc,id=${chardev},name=usbredir`] : chardevArgs(r, chardev, fds);
    return [...host, ...deviceArg(defined({
      driver: 'usb-redir', chardev, id, filter: rules.length ? filterOf(rules) : undefined, bootindex: r.bootOrder, ...usbPlacement(devices, r),
    }))];
  });
}
