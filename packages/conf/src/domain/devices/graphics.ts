import { at, attr, child, list, model } from '../../model/binding.js';
import { ErrorCode, ErrorDomain, VirError } from '@tsvirt/util';
import { oneOf, uint, yesNo, type Codec } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** A display port: a number, or -1 for one chosen at start; libvirt calls anything else an internal error. */
const DISPLAY_PORT: Codec<number> = {
  decode(s) {
    if (!/^-?\d+$/.test(s.trim())) throw new VirError(ErrorCode.INTERNAL_ERROR, `cannot parse vnc port ${s}`, ErrorDomain.DOMAIN);
    return Number(s);
  },
  encode: String,
};

/** `<graphics>`: how the guest's display is offered (VNC, SPICE, SDL, D-Bus, ...). */
export const GRAPHICS = model('graphics', () => ({
  type: attr('type', oneOf('sdl', 'vnc', 'spice', 'dbus', 'rdp', 'desktop', 'egl-headless')),
  port: attr('port', DISPLAY_PORT),
  // libvirt reads anything but `yes` as no here, without complaint.
  autoport: attr('autoport'),
  tlsPort: attr('tlsPort', uint),
  websocket: attr('websocket'),
  listenAddress: attr('listen'),
  socket: attr('socket'),
  passwd: attr('passwd'),
  passwdValidTo: attr('passwdValidTo'),
  keymap: attr('keymap'),
  sharePolicy: attr('sharePolicy', oneOf('allow-exclusive', 'force-shared', 'ignore')),
  connected: attr('connected', oneOf('keep', 'fail', 'disconnect')),
  defaultMode: attr('defaultMode', oneOf('any', 'secure', 'insecure')),
  display: attr('display'),
  xauth: attr('xauth'),
  fullscreen: attr('fullscreen', yesNo),
  listens: list('listen', {
    type: attr('type', oneOf('address', 'network', 'socket', 'none')),
    address: attr('address'),
    network: attr('network'),
    socket: attr('socket'),
  }),
  channels: list('channel', { name: attr('name'), mode: attr('mode', oneOf('any', 'secure', 'insecure')) }),
  gl: child('gl', { enable: attr('enable', yesNo), rendernode: attr('rendernode') }),
  audioId: at('audio', attr('id', uint)),
  powerControl: attr('powerControl'),
  // SPICE's compression, streaming, mouse, clipboard and file transfer options.
  imageCompression: at('image', attr('compression')),
  jpegCompression: at('jpeg', attr('compression')),
  zlibCompression: at('zlib', attr('compression')),
  playbackCompression: at('playback', attr('compression')),
  streamingMode: at('streaming', attr('mode')),
  mouseMode: at('mouse', attr('mode')),
  copypaste: at('clipboard', attr('copypaste')),
  filetransfer: at('filetransfer', attr('enable')),
  ...DEVICE_INFO,
}));
