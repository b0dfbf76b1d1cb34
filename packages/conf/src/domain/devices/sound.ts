import { at, attr, child, list, model } from '../../model/binding.js';
import { oneOf, uint } from '../../model/codec.js';
import { DEVICE_INFO } from './device-info.js';

/** `<sound>`: an emulated sound card, with the codecs it has. */
export const SOUND = model('sound', () => ({
  model: attr('model', oneOf('sb16', 'es1370', 'pcspk', 'ac97', 'ich6', 'ich7', 'ich9', 'usb')),
  multichannel: attr('multichannel'),
  codecs: list('codec', { type: attr('type', oneOf('duplex', 'micro', 'output')) }),
  audioId: at('audio', attr('id', uint)),
  ...DEVICE_INFO,
}));

/** One direction (`<input>`, `<output>`) of an audio backend: what every backend takes, then each backend's own. */
const audioDirection = () => ({
  mixingEngine: attr('mixingEngine'),
  fixedSettings: attr('fixedSettings'),
  voices: attr('voices', uint),
  bufferLength: attr('bufferLength', uint),
  settings: child('settings', { frequency: attr('frequency', uint), channels: attr('channels', uint), format: attr('format') }),
  // alsa, oss
  dev: attr('dev'),
  // coreaudio, oss, sdl
  bufferCount: attr('bufferCount', uint),
  // oss
  tryPoll: attr('tryPoll'),
  // pulseaudio
  name: attr('name'),
  streamName: attr('streamName'),
  latency: attr('latency', uint),
  // jack
  serverName: attr('serverName'),
  clientName: attr('clientName'),
  connectPorts: attr('connectPorts'),
  exactName: attr('exactName'),
});

/** `<audio>`: a host audio backend that sound cards and displays play through. */
export const AUDIO = model('audio', () => ({
  id: attr('id', uint),
  type: attr('type', oneOf('none', 'dbus', 'alsa', 'coreaudio', 'jack', 'oss', 'pulseaudio', 'sdl', 'spice', 'file')),
  timerPeriod: attr('timerPeriod', uint),
  path: attr('path'),
  serverName: attr('serverName'),
  // sdl's own output driver
  driver: attr('driver'),
  // oss
  tryMMap: attr('tryMMap'),
  exclusive: attr('exclusive'),
  dspPolicy: attr('dspPolicy', uint),
  inputs: list('input', audioDirection()),
  outputs: list('output', audioDirection()),
}));
