import { KEYCODE_NAMES, KEYCODE_ROWS } from './keycode-table.js';

/** libvirt's virKeycodeSet: the key code sets of virDomainSendKey (RFB is QNUM's old name). */
export const KeycodeSet = {
  LINUX: 0, XT: 1, ATSET1: 2, ATSET2: 3, ATSET3: 4, OSX: 5, XT_KBD: 6, USB: 7, WIN32: 8, QNUM: 9, RFB: 9,
} as const;
export type KeycodeSet = (typeof KeycodeSet)[keyof typeof KeycodeSet];

/** How many code sets there are (libvirt's VIR_KEYCODE_SET_LAST). */
export const KEYCODE_SET_COUNT = 10;

/** The names of the sets, as libvirt and virsh spell them, by number. */
const SET_NAMES = ['linux', 'xt', 'atset1', 'atset2', 'atset3', 'os_x', 'xt_kbd', 'usb', 'win32', 'qnum'] as const;

/** The sets whose keys have names (`KEY_A`, `ANSI_A`, `VK_A`). */
const NAMED: Partial<Record<number, Readonly<Record<string, number>>>> = {
  [KeycodeSet.LINUX]: KEYCODE_NAMES.linux, [KeycodeSet.OSX]: KEYCODE_NAMES.osx, [KeycodeSet.WIN32]: KEYCODE_NAMES.win32,
};

/** The set a name stands for (`rfb` is `qnum`); undefined for a name libvirt does not know. */
export function keycodeSetFromName(name: string): KeycodeSet | undefined {
  if (name === 'rfb') return KeycodeSet.RFB;
  const i = (SET_NAMES as readonly string[]).indexOf(name);
  return i < 0 ? undefined : (i as KeycodeSet);
}

export function keycodeSetName(set: number): string {
  return SET_NAMES[set] ?? String(set);
}

/** The code of a named key in a set that names its keys (case matters); undefined otherwise. */
export function keycodeFromName(set: number, name: string): number | undefined {
  const table = NAMED[set];
  const row = table && Object.hasOwn(table, name) ? table[name] : undefined;
  return row === undefined ? undefined : KEYCODE_ROWS[row]![set];
}

/**
 * A key's code in another set: the first key (in Linux code order) that has `code` in `from`,
 * and its code in `to`, which is 0 where that set has no such key, as in libvirt's tables.
 * Undefined when no key has that code.
 */
export function translateKeycode(from: number, to: number, code: number): number | undefined {
  if (code < 0) return undefined;
  const row = KEYCODE_ROWS.find((r) => r[from] === code);
  return row?.[to];
}
