import { attr, body, childText, list, model } from '../../model/binding.js';
import { oneOf } from '../../model/codec.js';
import { chardevSources } from './chardev.js';
import { DEVICE_INFO } from './device-info.js';

/** `<smartcard>`: a CCID smartcard reader, backed by the host's reader, certificates or a channel. */
export const SMARTCARD = model('smartcard', () => ({
  mode: attr('mode', oneOf('host', 'host-certificates', 'passthrough')),
  type: attr('type'),
  certificates: list('certificate', { path: body() }),
  database: childText('database'),
  // A passthrough card's character device.
  ...chardevSources(),
  ...DEVICE_INFO,
}));
