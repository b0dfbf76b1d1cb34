import { at, attr, child, model } from '../../model/binding.js';
import { nonNegative, oneOf, onOff, uint } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

/** `<controller>`: a bus the guest's other devices attach to (PCI, USB, SCSI, virtio-serial, ...). */
export const CONTROLLER = model('controller', () => ({
  type: attr('type', oneOf('fdc', 'sata', 'ccid', 'scsi', 'usb', 'ide', 'isa', 'pci', 'virtio-serial', 'xenbus')),
  index: attr('index', nonNegative),
  model: attr('model'),
  ports: attr('ports', nonNegative),
  vectors: attr('vectors', uint),
  maxGrantFrames: attr('maxGrantFrames', uint),
  maxEventChannels: attr('maxEventChannels', uint),
  pciModel: at('model', attr('name')),
  target: child('target', {
    chassisNr: attr('chassisNr', uint),
    chassis: attr('chassis', uint),
    port: attr('port', uint),
    busNr: attr('busNr', uint),
    index: attr('index', uint),
    hotplug: attr('hotplug', oneOf('on', 'off')),
    memReserve: attr('memReserve', uint),
  }),
  driver: child('driver', { queues: attr('queues', uint), cmdPerLun: attr('cmd_per_lun', uint), maxSectors: attr('max_sectors', uint), iothread: attr('iothread', uint), ioeventfd: attr('ioeventfd', onOff), ...VIRTIO_OPTIONS }),
  master: at('master', attr('startport', uint)),
  ...DEVICE_INFO,
}));
