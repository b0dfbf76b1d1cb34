import { attr, child, childText, model } from '../../model/binding.js';
import { uint } from '../../model/codec.js';

/** `<lease>`: a lock manager lease the guest holds while it runs. */
export const LEASE = model('lease', () => ({
  lockspace: childText('lockspace'),
  key: childText('key'),
  target: child('target', { path: attr('path'), offset: attr('offset', uint) }),
}));
