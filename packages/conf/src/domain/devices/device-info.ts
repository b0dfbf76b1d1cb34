import { at, attr, child, type Binding, type Fields } from '../../model/binding.js';
import { hex, oneOf, positive, uint, yesNo } from '../../model/codec.js';
import { own } from '../../own.js';

/** The fields of `<address>` of every address type (pci, drive, usb, ccw, ...), read in any base. */
const ADDRESS_FIELDS = {
  type: attr('type', oneOf('pci', 'usb', 'drive', 'virtio-serial', 'ccid', 'spapr-vio', 'ccw', 'isa', 'virtio-mmio', 'dimm', 'unassigned')),
  domain: attr('domain', uint),
  bus: attr('bus', uint),
  slot: attr('slot', uint),
  function: attr('function', uint),
  multifunction: attr('multifunction', oneOf('on', 'off')),
  controller: attr('controller', uint),
  target: attr('target', uint),
  unit: attr('unit', uint),
  port: attr('port'),
  device: attr('device', uint),
  reg: attr('reg', uint),
  cssid: attr('cssid', uint),
  ssid: attr('ssid', uint),
  devno: attr('devno', uint),
  iobase: attr('iobase', uint),
  irq: attr('irq', uint),
  base: attr('base', uint),
};

/**
 * The fields each address type writes in hexadecimal, and their width, as libvirt prints them
 * (`domain='0x0000' bus='0x00' slot='0x1f' function='0x2'`, `devno='0x0001'`, `reg='0x00002000'`);
 * the rest are decimal (a drive's `controller='0' bus='0'`, a DIMM's `slot='0'`).
 */
const HEX_WIDTHS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  pci: { domain: 4, bus: 2, slot: 2, function: 1 },
  ccw: { cssid: 1, ssid: 1, devno: 4 },
  'spapr-vio': { reg: 8 },
  isa: { iobase: 1, irq: 1 },
  dimm: { base: 1 },
};

const PLAIN = child('address', ADDRESS_FIELDS);
/** Each type's binding with its hexadecimal fields, made when an address of that type is first written. */
const byType = new Map<string, typeof PLAIN>();

function bindingOf(type: string | undefined): typeof PLAIN {
  const widths = type === undefined ? undefined : own(HEX_WIDTHS, type);
  if (type === undefined || widths === undefined) return PLAIN;
  let binding = byType.get(type);
  if (binding === undefined) {
    const hexFields = Object.fromEntries(Object.entries(widths).map(([name, w]) => [name, attr(name, hex(w))]));
    binding = child('address', { ...ADDRESS_FIELDS, ...hexFields });
    byType.set(type, binding);
  }
  return binding;
}

/**
 * `<address>`: the bus address of a device. Written in libvirt's spelling for its type, so a
 * driver sets numbers (`{ type: 'pci', domain: 0, bus: 0, slot: 31, function: 2 }`) and never
 * writes attributes itself; a value that is not changed keeps the text it was written with.
 */
export const ADDRESS: Binding<Fields<typeof ADDRESS_FIELDS>> = {
  read: PLAIN.read,
  write: (el, v) => bindingOf(v?.type).write(el, v),
};

/** What every device may carry: its bus address, its alias and, for bootable ones, a boot order. */
export const DEVICE_INFO = {
  address: ADDRESS,
  alias: at('alias', attr('name')),
  bootOrder: at('boot', attr('order', positive)),
  bootLoadParm: at('boot', attr('loadparm')),
  rom: child('rom', { bar: attr('bar', oneOf('on', 'off')), file: attr('file'), enabled: attr('enabled', yesNo) }),
  acpiIndex: at('acpi', attr('index', uint)),
} as const;
