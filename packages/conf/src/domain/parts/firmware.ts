import { attr, body, child } from '../../model/binding.js';
import { oneOf, yesNo } from '../../model/codec.js';
import { DISK_SOURCE } from '../devices/disk.js';

/** `<loader>` in `<os>`: the firmware image, and how it is mapped. */
export const LOADER = child('loader', {
  path: body(),
  readonly: attr('readonly', yesNo),
  secure: attr('secure', yesNo),
  stateless: attr('stateless', yesNo),
  type: attr('type', oneOf('rom', 'pflash')),
  format: attr('format'),
});

/**
 * `<nvram>` in `<os>`: the guest's UEFI variable store: a path (the text), or, with a `type`, a
 * storage source like a disk's (a file, a block device, a network volume), and the template it
 * is made from.
 */
export const NVRAM = child('nvram', {
  path: body(),
  type: attr('type', oneOf('file', 'block', 'network')),
  source: DISK_SOURCE,
  template: attr('template'),
  format: attr('format'),
});
