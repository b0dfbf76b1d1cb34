import { at, attr, child, list, model } from '../../model/binding.js';
import { oneOf, uint, yesNo, supported } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/**
 * Where a character device's host side is: its sources (path, host and service, mode) and protocol.
 * A function, as the shapes that take it are built when their model is first used, not at load.
 */
export const chardevSources = () => ({
  sources: list('source', {
    // libvirt writes the mode first (`<source mode='bind' path=.../>`).
    mode: attr('mode', oneOf('bind', 'connect')),
    path: attr('path'),
    host: attr('host'),
    service: attr('service'),
    tls: attr('tls', yesNo),
    append: attr('append', oneOf('on', 'off')),
    channel: attr('channel'),
    master: attr('master'),
    slave: attr('slave'),
    // A qemu-vdagent's clipboard sharing and mouse mode.
    clipboard: at('clipboard', attr('copypaste', yesNo)),
    mouse: at('mouse', attr('mode', oneOf('server', 'client'))),
  }),
  protocol: at('protocol', attr('type', oneOf('raw', 'telnet', 'telnets', 'tls'))),
});

/** The host side of a character device (file, pty, TCP/UDP/UNIX socket, ...). */
const chardevShape = () => ({
  type: attr('type', supported((s) => `unknown type presented to host for character device: ${s}`, 'null', 'vc', 'pty', 'dev', 'file', 'pipe', 'stdio', 'udp', 'tcp', 'unix', 'spicevmc', 'spiceport', 'nmdm', 'qemu-vdagent', 'dbus')),
  tty: attr('tty'),
  ...chardevSources(),
  log: child('log', { file: attr('file'), append: attr('append', oneOf('on', 'off')) }),
  target: child('target', {
    type: attr('type'),
    port: attr('port', uint),
    name: attr('name'),
    address: attr('address'),
    state: attr('state', oneOf('connected', 'disconnected')),
    model: at('model', attr('name')),
  }),
  ...DEVICE_INFO,
});

/** `<serial>`, `<parallel>`, `<console>`, `<channel>`: the four kinds of character device share one shape. */
export const SERIAL = model('serial', chardevShape);
export const PARALLEL = model('parallel', chardevShape);
export const CONSOLE = model('console', chardevShape);
export const CHANNEL = model('channel', chardevShape);
