import { at, attr, child, childText, flag, model } from '../../model/binding.js';
import { oneOf, uint } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<memory>` in `<devices>`: hot-pluggable guest memory (DIMM, NVDIMM, virtio-mem, virtio-pmem, SGX EPC). */
export const MEMORY_DEVICE = model('memory', () => ({
  model: attr('model', oneOf('dimm', 'nvdimm', 'virtio-pmem', 'virtio-mem', 'sgx-epc')),
  access: attr('access', oneOf('shared', 'private')),
  discard: attr('discard', oneOf('yes', 'no')),
  source: child('source', {
    path: childText('path'),
    nodemask: childText('nodemask'),
    alignsize: childText('alignsize', uint),
    alignsizeUnit: at('alignsize', attr('unit')),
    pagesize: childText('pagesize', uint),
    pagesizeUnit: at('pagesize', attr('unit')),
    pmem: flag('pmem'),
  }),
  target: child('target', {
    // Sizes are as written, in `…Unit` (libvirt prints KiB).
    size: childText('size', uint),
    sizeUnit: at('size', attr('unit')),
    block: childText('block', uint),
    blockUnit: at('block', attr('unit')),
    requested: childText('requested', uint),
    requestedUnit: at('requested', attr('unit')),
    current: childText('current', uint),
    currentUnit: at('current', attr('unit')),
    labelSize: at('label', childText('size', uint)),
    labelSizeUnit: at('label', at('size', attr('unit'))),
    node: childText('node', uint),
    readonly: flag('readonly'),
  }),
  ...DEVICE_INFO,
}));
