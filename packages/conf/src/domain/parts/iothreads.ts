import { attr, body, list, model } from '../../model/binding.js';
import { count, int, positive } from '../../model/codec.js';

/** `<iothreads>`: how many I/O threads the guest has. */
export const IOTHREADS = model('iothreads', () => ({ count: body(count('iothreads')) }));

const POOL = { threadPoolMin: attr('thread_pool_min', int), threadPoolMax: attr('thread_pool_max', int) };

/** `<iothreadids>`: the guest's I/O threads by id, each with the size of its worker pool. */
export const IOTHREADIDS = model('iothreadids', () => ({ iothreads: list('iothread', { id: attr('id', positive), ...POOL }) }));

/** `<defaultiothread>`: the worker pool of the emulator's main I/O thread. */
export const DEFAULT_IOTHREAD = model('defaultiothread', POOL);
