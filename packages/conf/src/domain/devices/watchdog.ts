import { attr, model } from '../../model/binding.js';
import { oneOf, supported } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<watchdog>`: a hardware watchdog and what the host does when it fires. */
export const WATCHDOG = model('watchdog', () => ({
  model: attr('model', supported((s) => `unknown watchdog model '${s}'`, 'i6300esb', 'ib700', 'diag288')),
  action: attr('action', oneOf('reset', 'shutdown', 'poweroff', 'pause', 'none', 'dump', 'inject-nmi')),
  ...DEVICE_INFO,
}));
