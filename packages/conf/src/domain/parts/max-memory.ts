import { attr, body, model } from '../../model/binding.js';
import { uintWorded } from '../../model/codec.js';
import { ErrorCode } from '@tsvirt/util';

/** `<maxMemory>`: the most memory the guest can grow to by hotplug, and its memory slots. */
export const MAX_MEMORY = model('maxMemory', () => ({
  // The size as written, in `unit` (libvirt prints KiB).
  size: body(),
  unit: attr('unit'),
  slots: attr('slots', uintWorded(ErrorCode.XML_ERROR, () => 'Failed to parse memory slot count')),
}));
