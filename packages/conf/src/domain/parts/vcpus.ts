import { attr, list, model } from '../../model/binding.js';
import { uint, yesNo } from '../../model/codec.js';

/** `<vcpus>`: each vCPU by id, whether it is online, hot(un)pluggable, and in which order it came online. */
export const VCPUS = model('vcpus', () => ({
  vcpus: list('vcpu', { id: attr('id', uint), enabled: attr('enabled', yesNo), hotpluggable: attr('hotpluggable', yesNo), order: attr('order', uint) }),
}));
