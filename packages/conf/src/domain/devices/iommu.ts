import { attr, child, model } from '../../model/binding.js';
import { oneOf, onOff, uint } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<iommu>`: the guest's IOMMU. */
export const IOMMU = model('iommu', () => ({
  model: attr('model', oneOf('intel', 'smmuv3', 'virtio')),
  driver: child('driver', {
    intremap: attr('intremap', onOff),
    cachingMode: attr('caching_mode', onOff),
    eim: attr('eim', onOff),
    iotlb: attr('iotlb', onOff),
    awBits: attr('aw_bits', uint),
  }),
  ...DEVICE_INFO,
}));
