import { attr, model } from '../../model/binding.js';
import { supported } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<panic>`: a device through which the guest tells the host it crashed. */
export const PANIC = model('panic', () => ({
  model: attr('model', supported((s) => `unknown panic model '${s}'`, 'isa', 'pseries', 'hyperv', 's390')),
  ...DEVICE_INFO,
}));
