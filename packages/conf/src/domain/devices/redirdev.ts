import { attr, model } from '../../model/binding.js';
import { oneOf } from '../../model/codec.js';
import { chardevSources } from './chardev.js';
import { DEVICE_INFO } from './device-info.js';

/** `<redirdev>`: a USB device redirected from a client over a character device (its host side as a chardev's). */
export const REDIRDEV = model('redirdev', () => ({
  bus: attr('bus', oneOf('usb')),
  type: attr('type'),
  ...chardevSources(),
  ...DEVICE_INFO,
}));
