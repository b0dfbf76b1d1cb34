import { at, attr, child } from '../../model/binding.js';
import { oneOf, positive, uint, yesNo } from '../../model/codec.js';

/** `<address>`: the bus address of a device, of any address type (pci, drive, usb, ccw, ...). */
export const ADDRESS = child('address', {
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
  reg: attr('reg', uint),
  cssid: attr('cssid', uint),
  ssid: attr('ssid', uint),
  devno: attr('devno', uint),
  iobase: attr('iobase', uint),
  irq: attr('irq', uint),
  base: attr('base', uint),
});

/** What every device may carry: its bus address, its alias and, for bootable ones, a boot order. */
export const DEVICE_INFO = {
  address: ADDRESS,
  alias: at('alias', attr('name')),
  bootOrder: at('boot', attr('order', positive)),
  bootLoadParm: at('boot', attr('loadparm')),
  rom: child('rom', { bar: attr('bar', oneOf('on', 'off')), file: attr('file'), enabled: attr('enabled', yesNo) }),
  acpiIndex: at('acpi', attr('index', uint)),
} as const;
