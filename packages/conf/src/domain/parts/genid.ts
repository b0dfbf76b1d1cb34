import { body, model } from '../../model/binding.js';

/** `<genid>`: the VM generation id (a UUID, or empty for libvirt to make one). */
export const GENID = model('genid', () => ({ value: body() }));
