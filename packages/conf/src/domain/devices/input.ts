import { attr, child, model } from '../../model/binding.js';
import { oneOf, supported } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

/** `<input>`: a mouse, tablet or keyboard, or a host input device passed through. */
export const INPUT = model('input', () => ({
  type: attr('type', supported((s) => `unknown input device type '${s}'`, 'mouse', 'tablet', 'keyboard', 'passthrough', 'evdev')),
  bus: attr('bus', oneOf('ps2', 'usb', 'xen', 'virtio', 'parallels', 'none')),
  model: attr('model', oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
  source: child('source', { evdev: attr('evdev'), dev: attr('dev'), grab: attr('grab', oneOf('all')), repeat: attr('repeat', oneOf('on', 'off')), grabToggle: attr('grabToggle') }),
  driver: child('driver', VIRTIO_OPTIONS),
  ...DEVICE_INFO,
}));
