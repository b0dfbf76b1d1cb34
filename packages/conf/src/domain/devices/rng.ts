import { attr, body, child, model, type Binding } from '../../model/binding.js';
import { oneOf, supported, uint } from '../../model/codec.js';
import { chardevSources } from './chardev.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

const TEXT = body();

/** The element's text, when it has any besides the layout's whitespace around child elements. */
const nonBlankText: Binding<string> = {
  read: (el) => TEXT.read(el) || undefined,
  write(el, v) {
    if (v !== undefined || TEXT.read(el)) TEXT.write(el, v);
  },
};

/** `<rng>`: a paravirtual random number generator and the host source it reads from. */
export const RNG = model('rng', () => ({
  model: attr('model', oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
  driver: child('driver', VIRTIO_OPTIONS),
  rate: child('rate', { bytes: attr('bytes', uint), period: attr('period', uint) }),
  backend: child('backend', {
    model: attr('model', supported((s) => `unknown RNG backend model '${s}'`, 'random', 'egd', 'builtin')),
    type: attr('type'),
    // The random backend's device file, written as the element's text.
    path: nonBlankText,
    // The egd backend's character device.
    ...chardevSources(),
  }),
  ...DEVICE_INFO,
}));
