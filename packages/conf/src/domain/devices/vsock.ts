import { attr, child, model } from '../../model/binding.js';
import { oneOf, uint, yesNo } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

/** `<vsock>`: a virtio socket between guest and host, with the guest's context id and its virtio options. */
export const VSOCK = model('vsock', () => ({
  model: attr('model', oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
  cid: child('cid', { auto: attr('auto', yesNo), address: attr('address', uint) }),
  driver: child('driver', VIRTIO_OPTIONS),
  ...DEVICE_INFO,
}));
