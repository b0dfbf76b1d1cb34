import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect, DomainQemuMonitorCommandFlags, DomainState } from '@tsvirt/api';
import { KeycodeSet } from '@tsvirt/util/keycodes';
import { domainXml, useTestRoot } from './helpers.js';
import { tsvirsh } from './tsvirsh.js';

/** The BIOS scan codes the guest waits for, in order: a, b, c, ... k, l, m. */
const EXPECTED = [0x1e, 0x30, 0x2e, 0x20, 0x12, 0x21, 0x22, 0x23, 0x17, 0x24, 0x25, 0x26, 0x32];

/** What the boot sector writes at READY_AT once it runs: keys sent before are lost to SeaBIOS's keyboard reset. */
const READY = 0x4b59;
const READY_AT = 0x500;

/**
 * A boot sector that marks itself ready (READY at READY_AT), reads keys through the BIOS (int 16h)
 * and powers the guest off (ACPI S5 on PIIX4's PM1a port) once it has read exactly `scanCodes`;
 * any other key stops it for good.
 */
function keyReadingSector(scanCodes: number[]): Buffer {
  const table = 0x7c00 + 64;
  const code = [
    0xfa, 0x31, 0xc0, 0x8e, 0xd8, 0xfb, 0xfc, // cli; xor ax,ax; mov ds,ax; sti; cld
    0xc7, 0x06, READY_AT & 0xff, READY_AT >> 8, READY & 0xff, READY >> 8, // mov word [READY_AT], READY
    0xbe, table & 0xff, table >> 8, // mov si, table
    0xac, 0x84, 0xc0, 0x74, 0x0d, // next: lodsb; test al,al; jz done
    0x88, 0xc3, 0x30, 0xe4, 0xcd, 0x16, // mov bl,al; xor ah,ah; int 16h
    0x38, 0xdc, 0x74, 0xf1, // cmp ah,bl; je next
    0xf4, 0xeb, 0xfd, // a wrong key: hlt forever
    0xba, 0x04, 0x06, 0xb8, 0x00, 0x20, 0xef, 0xf4, 0xeb, 0xfd, // done: power off
  ];
  const body = Buffer.alloc(510);
  Buffer.from(code).copy(body);
  Buffer.from([...scanCodes, 0]).copy(body, 64);
  return Buffer.concat([body, Buffer.from([0x55, 0xaa])]);
}

const t = useTestRoot();

async function until(what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** virsh 9.0's own answer on the test driver, for what virsh checks before any driver is asked. */
function virsh(...args: string[]): { stdout: string; stderr: string; code: number } {
  const r = spawnSync('virsh', ['-c', 'test:///default', 'send-key', 'test', ...args], { encoding: 'utf8', timeout: 20_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

describe('send-key (virDomainSendKey) with real QEMU', () => {

  it('reaches the guest in every code set, names and numbers, with a hold time', async () => {
    const img = join(t.root.dir, 'keys.img');
    writeFileSync(img, keyReadingSector(EXPECTED));
    const dom = await t.conn.defineXML(domainXml('keys', `<disk type='file' device='disk'><driver name='qemu' type='raw'/><source file='${img}'/><target dev='hda' bus='ide'/></disk>`));
    await dom.create();
    // under load SeaBIOS may still be setting up the keyboard (which empties its queue) when create returns
    await until('the boot sector to run', async () =>
      (await dom.qemuMonitorCommand(`xp /1hx ${READY_AT}`, DomainQemuMonitorCommandFlags.HMP)).includes(`0x${READY.toString(16)}`));
    const sends = [
      ['KEY_A'], ['--codeset', 'usb', '5'], ['--codeset', 'win32', 'VK_C'], ['--codeset', 'os_x', 'ANSI_D'], ['--codeset', 'xt', '0x12'],
      ['--codeset', 'atset2', '0x2b'], ['--codeset', 'atset3', '064'], ['--codeset', 'xt_kbd', '35'], ['--codeset', 'qnum', '0x17'],
      ['--codeset', 'rfb', '0x24'], ['--holdtime', '200', 'KEY_K', '--keycode', 'KEY_L'],
    ];
    for (const args of sends) expect(await tsvirsh(t.root.uri, 'send-key', 'keys', ...args)).toMatchObject({ code: 0, stdout: '\n', stderr: '' });
    expect(await dom.getState()).toEqual([DomainState.RUNNING, 1]);
    await dom.sendKey(KeycodeSet.LINUX, 0, [50]);
    await until('the guest to read every key and power off', async () => (await dom.getState())[0] === DomainState.SHUTOFF);
    expect(await dom.getState()).toEqual([DomainState.SHUTOFF, 1]);
  }, 120_000);

  it("refuses what virsh refuses before asking the driver, in virsh's words", async () => {
    const cases = [
      ['--codeset', 'bogus', '30'], ['--codeset', 'xt', 'KEY_A'], ['key_a'], ['0x10000'], ['-1'], ['30abc'], [''],
      ['--holdtime', '-5', '30'], ['--holdtime', '0x10', '30'], ['--holdtime', '4294967296', '30'],
      ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', 'bad'], [],
    ];
    await t.conn.createXML(domainXml('keys2'));
    for (const args of cases) {
      const want = virsh(...args);
      expect(want.code).toBe(1);
      expect({ args, ...(await tsvirsh(t.root.uri, 'send-key', 'keys2', ...args)) }).toEqual({ args, ...want });
    }
  }, 120_000);

  it("refuses bad calls with libvirt's errors", async () => {
    const keys2 = await t.conn.lookupByName('keys2');
    await expect(keys2.sendKey(KeycodeSet.LINUX, 0, [])).rejects.toMatchObject({ code: 8, message: 'nkeycodes in virDomainSendKey must be greater than zero' });
    await expect(keys2.sendKey(KeycodeSet.LINUX, 0, Array.from({ length: 17 }, () => 30))).rejects.toMatchObject({ code: 8 });
    await expect(keys2.sendKey(10, 0, [30])).rejects.toMatchObject({ code: 8, message: "Unsupported codeset '10'" });
    await expect(keys2.sendKey(KeycodeSet.LINUX, 0, [30], 1)).rejects.toMatchObject({ code: 8, message: 'unsupported flags (0x1) in function qemuDomainSendKey' });
    await expect(keys2.sendKey(KeycodeSet.LINUX, 0, [0xffff])).rejects.toMatchObject({
      code: 1, message: 'internal error: cannot translate keycode 65535 of linux codeset to qnum keycode',
    });
    await expect(keys2.sendKey(KeycodeSet.USB, 0, [0xffff])).rejects.toMatchObject({ message: 'internal error: cannot translate keycode 65535 of usb codeset to qnum keycode' });
    await keys2.destroy();
    const off = await t.conn.defineXML(domainXml('keys3'));
    await expect(off.sendKey(KeycodeSet.LINUX, 0, [30])).rejects.toMatchObject({ code: 55, message: 'Requested operation is not valid: domain is not running' });
    const ro = await connect(t.root.uri, { readonly: true });
    await expect((await ro.lookupByName('keys3')).sendKey(KeycodeSet.LINUX, 0, [30])).rejects.toMatchObject({
      code: 29, message: 'operation forbidden: read only access prevents virDomainSendKey',
    });
    await ro.close();
  });
});
