import { attr, child, model } from '../../model/binding.js';
import { oneOf } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<redirdev>`: a USB device redirected from a client over a character device. */
export const REDIRDEV = model('redirdev', () => ({
  bus: attr('bus', oneOf('usb')),
  type: attr('type'),
  source: child('source', { mode: attr('mode'), host: attr('host'), service: attr('service'), path: attr('path') }),
  ...DEVICE_INFO,
}));
