import { attr, child, model } from '../../model/binding.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { oneOf, onOff, uint, yesNo, supported, type Codec } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

/** A card's memory size or head count, an unsigned int refused in libvirt's words for the video card. */
const videoNumber: Codec<number> = {
  decode(s, at) {
    const v = /^\d+$/.test(s) ? Number(s) : NaN;
    if (!(v <= 0xffffffff)) throw new VirError(ErrorCode.XML_ERROR, `cannot parse video ${at.attr ?? at.element} '${s}'`, ErrorDomain.DOMAIN);
    return v;
  },
  encode: (v) => String(v),
};

/** `<video>`: the guest's graphics card. */
export const VIDEO = model('video', () => ({
  model: child('model', {
    type: attr('type', supported((s) => `unknown video model '${s}'`, 'vga', 'cirrus', 'vmvga', 'xen', 'vbox', 'parallels', 'virtio', 'gop', 'none', 'bochs', 'ramfb', 'qxl')),
    vram: attr('vram', videoNumber),
    vram64: attr('vram64', videoNumber),
    vgamem: attr('vgamem', videoNumber),
    ram: attr('ram', videoNumber),
    heads: attr('heads', videoNumber),
    primary: attr('primary', yesNo),
    blob: attr('blob', onOff),
    acceleration: child('acceleration', { accel3d: attr('accel3d', yesNo), accel2d: attr('accel2d', yesNo), rendernode: attr('rendernode') }),
    resolution: child('resolution', { x: attr('x', uint), y: attr('y', uint) }),
  }),
  driver: child('driver', { name: attr('name', oneOf('qemu', 'vhostuser')), vgaconf: attr('vgaconf', oneOf('io', 'on', 'off')), ...VIRTIO_OPTIONS }),
  ...DEVICE_INFO,
}));
