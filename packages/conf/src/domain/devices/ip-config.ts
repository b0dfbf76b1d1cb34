import { attr, list } from '../../model/binding.js';
import { uint } from '../../model/codec.js';

/** `<ip>` children: the addresses an interface (or an LXC `<hostdev type='net'>`) is given in the guest. */
export const IP_ADDRESSES = list('ip', { address: attr('address'), family: attr('family'), prefix: attr('prefix', uint), peer: attr('peer') });

/** `<route>` children: the routes set up in the guest over that interface. */
export const IP_ROUTES = list('route', { family: attr('family'), address: attr('address'), prefix: attr('prefix', uint), gateway: attr('gateway') });
