import { at, attr, model } from '../../model/binding.js';
import { yesNo } from '../../model/codec.js';

/** `<pm>`: whether the guest may suspend to memory and to disk. */
export const PM = model('pm', () => ({
  suspendToMem: at('suspend-to-mem', attr('enabled', yesNo)),
  suspendToDisk: at('suspend-to-disk', attr('enabled', yesNo)),
}));
