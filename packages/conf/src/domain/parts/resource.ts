import { at, attr, childText, model } from '../../model/binding.js';

/** `<resource>`: the resource partition (cgroup) the guest is placed in, and its Fibre Channel app id. */
export const RESOURCE = model('resource', () => ({
  partition: childText('partition'),
  fibrechannelAppid: at('fibrechannel', attr('appid')),
}));
