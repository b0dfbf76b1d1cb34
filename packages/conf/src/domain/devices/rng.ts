import { attr, child, model } from '../../model/binding.js';
import { oneOf, supported, uint } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<rng>`: a paravirtual random number generator and the host source it reads from. */
export const RNG = model('rng', {
  model: attr('model', oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
  rate: child('rate', { bytes: attr('bytes', uint), period: attr('period', uint) }),
  backend: child('backend', { model: attr('model', supported((s) => `unknown RNG backend model '${s}'`, 'random', 'egd', 'builtin')), type: attr('type') }),
  ...DEVICE_INFO,
});
