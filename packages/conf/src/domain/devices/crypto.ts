import { attr, child, model } from '../../model/binding.js';
import { DEVICE_INFO } from './device-info.js';

/**
 * `<crypto>`: a virtio-crypto device and its backend. libvirt 9.0 does not know it yet (it drops
 * it without a word), so nothing here is refused; the values are kept as written.
 */
export const CRYPTO = model('crypto', () => ({
  model: attr('model'),
  type: attr('type'),
  backend: child('backend', { model: attr('model'), queues: attr('queues') }),
  ...DEVICE_INFO,
}));
