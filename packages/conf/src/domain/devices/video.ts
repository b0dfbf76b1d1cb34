import { attr, child, model } from '../../model/binding.js';
import { oneOf, onOff, uint, yesNo, supported } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

/** `<video>`: the guest's graphics card. */
export const VIDEO = model('video', {
  model: child('model', {
    type: attr('type', supported((s) => `unknown video model '${s}'`, 'vga', 'cirrus', 'vmvga', 'xen', 'vbox', 'virtio', 'gop', 'none', 'bochs', 'ramfb', 'qxl')),
    vram: attr('vram', uint),
    vram64: attr('vram64', uint),
    vgamem: attr('vgamem', uint),
    ram: attr('ram', uint),
    heads: attr('heads', uint),
    primary: attr('primary', yesNo),
    blob: attr('blob', onOff),
    acceleration: child('acceleration', { accel3d: attr('accel3d', yesNo), accel2d: attr('accel2d', yesNo), rendernode: attr('rendernode') }),
    resolution: child('resolution', { x: attr('x', uint), y: attr('y', uint) }),
  }),
  driver: child('driver', { name: attr('name', oneOf('qemu', 'vhostuser')), vgaconf: attr('vgaconf', oneOf('io', 'on', 'off')), ...VIRTIO_OPTIONS }),
  ...DEVICE_INFO,
});
