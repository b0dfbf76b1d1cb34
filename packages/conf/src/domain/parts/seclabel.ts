import { attr, childText, model } from '../../model/binding.js';
import { oneOf, yesNo } from '../../model/codec.js';

/** `<seclabel>`: the security label (SELinux, AppArmor, DAC) of the guest's process and images. */
export const SECLABEL = model('seclabel', () => ({
  type: attr('type', oneOf('dynamic', 'static', 'none')),
  model: attr('model'),
  relabel: attr('relabel', yesNo),
  label: childText('label'),
  imagelabel: childText('imagelabel'),
  baselabel: childText('baselabel'),
}));
