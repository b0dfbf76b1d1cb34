import { at, attr, body, list, model } from '../../model/binding.js';
import { oneOf } from '../../model/codec.js';

/** One `<entry name='...'>value</entry>` of an SMBIOS table. */
const ENTRIES = list('entry', { name: attr('name'), value: body() });

/**
 * `<sysinfo>`: what the guest's firmware reports: SMBIOS tables (bios, system, base boards,
 * chassis, OEM strings) or, with `fwcfg`, files passed through QEMU's firmware config.
 */
export const SYSINFO = model('sysinfo', () => ({
  type: attr('type', oneOf('smbios', 'fwcfg')),
  bios: at('bios', ENTRIES),
  system: at('system', ENTRIES),
  baseBoards: list('baseBoard', { entries: ENTRIES }),
  chassis: at('chassis', ENTRIES),
  oemStrings: at('oemStrings', list('entry', { value: body() })),
  // fwcfg: entries straight under <sysinfo>, each a value or a file.
  entries: list('entry', { name: attr('name'), file: attr('file'), value: body() }),
}));
