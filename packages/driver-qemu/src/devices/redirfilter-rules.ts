import type { DomainDef } from '@tsvirt/conf';
import { devicesOf, writeBack, type DeviceOf } from './typed-devices.js';

type Rule = NonNullable<DeviceOf<'redirfilter'>['usbdevs']>[number];

/** A rule's number as written (`0x15e1`, `8`), `-1` (any) as undefined. */
const hexOf = (text: string | undefined): number | undefined => {
  const n = text === undefined ? -1 : Number.parseInt(text, 16);
  return Number.isNaN(n) || n < 0 ? undefined : n;
};

const hexText = (n: number | undefined, width: number): string | undefined => (n === undefined ? undefined : `0x${n.toString(16).toUpperCase().padStart(width, '0')}`);

/**
 * A USB release as its BCD number (`1.10` → 0x0110, `9.4` → 0x0940: the minor part is two
 * digits, a single one being the tens), undefined for any (`-1`).
 */
function usbVersionBcd(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '-1') return undefined;
  const [major = '0', minor = '0'] = text.split('.');
  return (Number.parseInt(major, 16) << 8) | Number.parseInt(minor.length === 1 ? `${minor}0` : minor, 16);
}

/** usb-redir's `filter` of the rules: each `class:vendor:product:version:allow` (`-1` for any), joined by `|`. */
export function usbRedirFilter(rules: readonly Rule[]): string {
  return rules.map((r) => {
    const n = normalRule(r);
    return [n.class ?? '-1', n.vendor ?? '-1', n.product ?? '-1', hexText(usbVersionBcd(r.version), 4) ?? '-1', r.allow ? '1' : '0'].join(':');
  }).join('|');
}

/** A BCD release as libvirt writes it back: `1.10`, `2.00`, `9.40`. */
const versionText = (bcd: number | undefined): string | undefined =>
  (bcd === undefined ? undefined : `${(bcd >> 8).toString(16)}.${(bcd & 0xff).toString(16).padStart(2, '0')}`);

/** A rule as libvirt keeps it: class, vendor and product in hexadecimal (`0x08`, `0x15E1`), the release in BCD, `-1` (any) left out. */
export function normalRule(r: Rule): Rule {
  return { ...r, class: hexText(hexOf(r.class), 2), vendor: hexText(hexOf(r.vendor), 4), product: hexText(hexOf(r.product), 4), version: versionText(usbVersionBcd(r.version)) };
}

/** libvirt's define-time spelling of `<redirfilter>` rules. */
export function redirfilterDefaults(def: DomainDef): void {
  for (const f of devicesOf(def.devices, 'redirfilter')) writeBack(def, { ...f, usbdevs: f.usbdevs?.map(normalRule) });
}
