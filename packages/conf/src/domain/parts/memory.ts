import { at, attr, child, childText, flag, list, model } from '../../model/binding.js';
import { oneOf, uint } from '../../model/codec.js';

/** `<memoryBacking>`: how guest memory is backed: huge pages, sharing, locking, source. */
export const MEMORY_BACKING = model('memoryBacking', () => ({
  hugepages: list('hugepages', { pages: list('page', { size: attr('size', uint), unit: attr('unit'), nodeset: attr('nodeset') }) }),
  nosharepages: flag('nosharepages'),
  locked: flag('locked'),
  source: at('source', attr('type', oneOf('file', 'anonymous', 'memfd'))),
  access: at('access', attr('mode', oneOf('shared', 'private'))),
  allocation: child('allocation', { mode: attr('mode', oneOf('immediate', 'ondemand')), threads: attr('threads', uint) }),
  discard: flag('discard'),
}));

/** `<memtune>`: memory limits of the guest's cgroup, in KiB as libvirt prints them. */
export const MEMTUNE = model('memtune', () => ({
  hardLimit: childText('hard_limit', uint),
  softLimit: childText('soft_limit', uint),
  swapHardLimit: childText('swap_hard_limit', uint),
  minGuarantee: childText('min_guarantee', uint),
}));
