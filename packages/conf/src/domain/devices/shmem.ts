import { at, attr, child, childText, model } from '../../model/binding.js';
import { oneOf, onOff, uint } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<shmem>`: a shared memory region (ivshmem) between guests and the host. */
export const SHMEM = model('shmem', () => ({
  name: attr('name'),
  // libvirt 9.0 reads the role without refusing other words.
  role: attr('role'),
  model: at('model', attr('type', oneOf('ivshmem', 'ivshmem-plain', 'ivshmem-doorbell'))),
  // The size as written (libvirt prints `M`), with its unit.
  size: childText('size'),
  sizeUnit: at('size', attr('unit')),
  server: child('server', { path: attr('path') }),
  msi: child('msi', { vectors: attr('vectors', uint), ioeventfd: attr('ioeventfd', onOff) }),
  ...DEVICE_INFO,
}));
