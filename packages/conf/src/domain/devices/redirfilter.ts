import { attr, list, model } from '../../model/binding.js';
import { yesNo } from '../../model/codec.js';

/** `<redirfilter>`: which USB devices may be redirected to the guest, rule by rule. */
export const REDIRFILTER = model('redirfilter', () => ({
  usbdevs: list('usbdev', { class: attr('class'), vendor: attr('vendor'), product: attr('product'), version: attr('version'), allow: attr('allow', yesNo) }),
}));
