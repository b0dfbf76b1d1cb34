import { attr, model } from '../../model/binding.js';
import { supported } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<hub>`: a USB hub the guest's USB devices can sit behind. */
export const HUB = model('hub', () => ({
  type: attr('type', supported((s) => `unknown hub device type '${s}'`, 'usb')),
  ...DEVICE_INFO,
}));
