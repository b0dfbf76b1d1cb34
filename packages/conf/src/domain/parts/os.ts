import { at, attr, body, child, childText, list, model } from '../../model/binding.js';
import { oneOf, uint, yesNo } from '../../model/codec.js';
import { LOADER, NVRAM } from './firmware.js';

/** `<os>`: what the guest boots (firmware, kernel, boot devices) and how. */
export const OS = model('os', () => ({
  firmware: attr('firmware', oneOf('bios', 'efi')),
  type: childText('type'),
  arch: at('type', attr('arch')),
  machine: at('type', attr('machine')),
  // The firmware features autoselection must (not) find (`<firmware><feature enabled name/>`).
  firmwareFeatures: at('firmware', list('feature', { enabled: attr('enabled', yesNo), name: attr('name') })),
  loader: LOADER,
  nvram: NVRAM,
  kernel: childText('kernel'),
  initrd: childText('initrd'),
  cmdline: childText('cmdline'),
  dtb: childText('dtb'),
  init: childText('init'),
  initargs: list('initarg', { value: body() }),
  initenvs: list('initenv', { name: attr('name'), value: body() }),
  initdir: childText('initdir'),
  inituser: childText('inituser'),
  initgroup: childText('initgroup'),
  boots: list('boot', { dev: attr('dev', oneOf('fd', 'hd', 'cdrom', 'network')) }),
  bootmenu: child('bootmenu', { enable: attr('enable', yesNo), timeout: attr('timeout', uint) }),
  bios: child('bios', { useserial: attr('useserial', yesNo), rebootTimeout: attr('rebootTimeout') }),
  smbiosMode: at('smbios', attr('mode', oneOf('emulate', 'host', 'sysinfo'))),
}));
