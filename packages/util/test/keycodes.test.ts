import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { KEYCODE_SET_COUNT, KeycodeSet, keycodeFromName, keycodeSetFromName, keycodeSetName, translateKeycode } from '../src/keycodes/index.js';
import { KEYCODE_NAMES } from '../src/keycodes/keycode-table.js';
import { virshTest } from './virsh-oracle.js';

/**
 * libvirt 9.0's own verdict on every code 0..0x1ff of every set: its test driver refuses a key
 * that its tables do not hold (`invalid keycode N of SET codeset`), through python3-libvirt.
 */
function libvirtAccepted(): boolean[][] {
  const script = `
import libvirt, json
libvirt.registerErrorHandler(lambda *a: None, None)
d = libvirt.open('test:///default').lookupByName('test')
out = []
for s in range(${KEYCODE_SET_COUNT}):
    row = []
    for k in range(0x200):
        try:
            d.sendKey(s, 0, [k], 1, 0); row.append(True)
        except libvirt.libvirtError:
            row.append(False)
    out.append(row)
print(json.dumps(out))`;
  const r = spawnSync('/usr/bin/python3', ['-c', script], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`python3-libvirt failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as boolean[][];
}

/** virsh 9.0's verdict on names: it sends them (exit 0) or says `invalid keycode`. */
function virshAccepts(set: string, names: string[]): boolean {
  return virshTest(['send-key', 'test', '--codeset', set, ...names]).status === 0;
}

describe("libvirt's key code sets", () => {
  it('names the sets as virsh does, rfb being qnum', () => {
    expect(Array.from({ length: KEYCODE_SET_COUNT }, (_, i) => keycodeSetName(i)))
      .toEqual(['linux', 'xt', 'atset1', 'atset2', 'atset3', 'os_x', 'xt_kbd', 'usb', 'win32', 'qnum']);
    expect(keycodeSetFromName('rfb')).toBe(KeycodeSet.QNUM);
    expect(keycodeSetFromName('os_x')).toBe(KeycodeSet.OSX);
    expect(keycodeSetFromName('Linux')).toBeUndefined();
  });

  it('holds exactly the codes libvirt 9.0 holds, in every set', () => {
    const accepted = libvirtAccepted();
    for (let s = 0; s < KEYCODE_SET_COUNT; s++) {
      const ours = Array.from({ length: 0x200 }, (_, k) => translateKeycode(s, s, k) !== undefined);
      expect({ set: keycodeSetName(s), codes: ours }).toEqual({ set: keycodeSetName(s), codes: accepted[s] });
    }
  }, 180_000);

  it('knows every key name virsh knows in the named sets, case and all', () => {
    for (const [set, table] of [['linux', KEYCODE_NAMES.linux], ['os_x', KEYCODE_NAMES.osx], ['win32', KEYCODE_NAMES.win32]] as const) {
      const names = Object.keys(table);
      for (let i = 0; i < names.length; i += 16) expect({ set, names: names.slice(i, i + 16), ok: virshAccepts(set, names.slice(i, i + 16)) }).toMatchObject({ ok: true });
      expect(virshAccepts(set, [names[0]!.toLowerCase()])).toBe(false);
    }
    expect(virshAccepts('xt', ['KEY_A'])).toBe(false);
  }, 180_000);

  it("translates to QEMU's numbers as keycodemapdb derives them", () => {
    expect(keycodeFromName(KeycodeSet.LINUX, 'KEY_A')).toBe(30);
    expect(translateKeycode(KeycodeSet.LINUX, KeycodeSet.QNUM, 30)).toBe(0x1e);
    expect(translateKeycode(KeycodeSet.LINUX, KeycodeSet.QNUM, keycodeFromName(KeycodeSet.LINUX, 'KEY_RIGHTCTRL')!)).toBe(0x9d);
    expect(translateKeycode(KeycodeSet.XT_KBD, KeycodeSet.QNUM, 0x11d)).toBe(0x9d);
    expect(translateKeycode(KeycodeSet.USB, KeycodeSet.QNUM, 4)).toBe(0x1e);
    expect(translateKeycode(KeycodeSet.WIN32, KeycodeSet.QNUM, keycodeFromName(KeycodeSet.WIN32, 'VK_A')!)).toBe(0x1e);
    expect(translateKeycode(KeycodeSet.OSX, KeycodeSet.QNUM, keycodeFromName(KeycodeSet.OSX, 'ANSI_A')!)).toBe(0x1e);
    expect(translateKeycode(KeycodeSet.LINUX, KeycodeSet.QNUM, 0xffff)).toBeUndefined();
    expect(keycodeFromName(KeycodeSet.XT, 'KEY_A')).toBeUndefined();
    expect(keycodeFromName(KeycodeSet.LINUX, 'toString')).toBeUndefined();
  });
});
