import { attr } from '../../model/binding.js';
import { onOff } from '../../model/codec.js';

/**
 * The virtio transport options every virtio device takes on its `<driver>` element: the
 * IOMMU platform, address translation services, the packed ring and a page per queue.
 */
export const VIRTIO_OPTIONS = {
  iommu: attr('iommu', onOff),
  ats: attr('ats', onOff),
  packed: attr('packed', onOff),
  pagePerVq: attr('page_per_vq', onOff),
} as const;
