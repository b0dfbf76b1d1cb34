import { at, attr, child, model } from '../../model/binding.js';
import { int, oneOf, onOff } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

/** `<memballoon>`: the balloon device that lets the host take memory back from the guest. */
export const MEMBALLOON = model('memballoon', () => ({
  model: attr('model', oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional', 'xen', 'none')),
  autodeflate: attr('autodeflate', onOff),
  freePageReporting: attr('freePageReporting', onOff),
  statsPeriod: at('stats', attr('period', int)),
  driver: child('driver', VIRTIO_OPTIONS),
  ...DEVICE_INFO,
}));
