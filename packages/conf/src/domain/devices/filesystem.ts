import { at, attr, child, flag, model } from '../../model/binding.js';
import { oneOf, onOff, uint } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';
import { VIRTIO_OPTIONS } from './virtio-options.js';

/** `<filesystem>`: a host directory, file or block device shared into the guest (9p, virtiofs). */
export const FILESYSTEM = model('filesystem', () => ({
  type: attr('type', oneOf('file', 'block', 'mount', 'bind', 'template', 'ram')),
  accessmode: attr('accessmode', oneOf('passthrough', 'mapped', 'squash')),
  model: attr('model', oneOf('virtio', 'virtio-transitional', 'virtio-non-transitional')),
  multidevs: attr('multidevs', oneOf('default', 'remap', 'forbid', 'warn')),
  fmode: attr('fmode'),
  dmode: attr('dmode'),
  driver: child('driver', {
    type: attr('type', oneOf('path', 'handle', 'loop', 'nbd', 'ploop', 'virtiofs')),
    format: attr('format'),
    wrpolicy: attr('wrpolicy', oneOf('immediate')),
    queue: attr('queue', uint),
    ...VIRTIO_OPTIONS,
  }),
  binary: at('binary', attr('path')),
  /** virtiofsd's options (`<binary xattr>`, `<cache mode>`, `<sandbox mode>`, `<lock>`, `<thread_pool size>`). */
  binaryXattr: at('binary', attr('xattr', onOff)),
  cacheMode: at('binary', at('cache', attr('mode'))),
  sandboxMode: at('binary', at('sandbox', attr('mode'))),
  lockPosix: at('binary', at('lock', attr('posix', onOff))),
  lockFlock: at('binary', at('lock', attr('flock', onOff))),
  threadPoolSize: at('binary', at('thread_pool', attr('size', uint))),
  source: child('source', {
    dir: attr('dir'), file: attr('file'), dev: attr('dev'), name: attr('name'), usage: attr('usage', uint), units: attr('units'), socket: attr('socket'),
  }),
  target: at('target', attr('dir')),
  readonly: flag('readonly'),
  ...DEVICE_INFO,
}));
