import { describe, expect, it } from 'vitest';
import {
  connect, DomainLifecycle as L, DomainLifecycleAction as A, DomainModificationImpact as Impact, DomainXMLFlags, typedUInt, type Connection,
} from '@tsvirt/api';
import { virErrorOf } from './helpers.js';

// Every value and message below is what python3-libvirt 9.0 answered for the same calls on test:///default.
async function withTest(fn: (conn: Connection) => Promise<void>): Promise<void> {
  const conn = await connect('test:///default');
  try {
    await fn(conn);
  } finally {
    await conn.close();
  }
}
const message = async (p: Promise<unknown>): Promise<string> => (await virErrorOf(p)).message;

describe('domain control calls of the mock', () => {
  it('sendProcessSignal: signals 0 to 64 to pid 1 only, running or not', () => withTest(async (conn) => {
    const dom = await conn.lookupByName('test');
    for (const signum of [0, 9, 31, 64]) await dom.sendProcessSignal(1, signum);
    expect(await message(dom.sendProcessSignal(1, 65))).toBe('invalid argument: signum value 65 is out of range');
    expect(await message(dom.sendProcessSignal(1, -1))).toBe('invalid argument: signum value -1 is out of range');
    expect(await message(dom.sendProcessSignal(123, 9))).toBe('invalid argument: only sending a signal to pid 1 is supported');
    expect(await message(dom.sendProcessSignal(0, 9))).toBe('pid_value in virDomainSendProcessSignal must not be zero');
    await dom.destroy();
    await dom.sendProcessSignal(1, 9);
  }));

  it('setLifecycleAction: every event and action, coredump only on crash, per definition', () => withTest(async (conn) => {
    const dom = await conn.lookupByName('test');
    for (const type of [L.POWEROFF, L.REBOOT]) {
      for (const action of [A.DESTROY, A.RESTART, A.RESTART_RENAME, A.PRESERVE]) await dom.setLifecycleAction(type, action);
      expect(await message(dom.setLifecycleAction(type, A.COREDUMP_DESTROY))).toBe(
        `unsupported configuration: Lifecycle event '${type === L.POWEROFF ? 'poweroff' : 'reboot'}' doesn't support 'coredump-destroy' action`);
    }
    await dom.setLifecycleAction(L.CRASH, A.COREDUMP_RESTART);
    await dom.setLifecycleAction(L.POWEROFF, A.RESTART, Impact.CONFIG);
    expect(await dom.getXMLDesc()).toContain('<on_poweroff>preserve</on_poweroff>\n  <on_reboot>preserve</on_reboot>\n  <on_crash>coredump-restart</on_crash>');
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toContain('<on_poweroff>restart</on_poweroff>\n  <on_reboot>restart</on_reboot>\n  <on_crash>destroy</on_crash>');
    expect(await message(dom.setLifecycleAction(3, 0))).toBe("invalid argument: invalid lifecycle type '3'");
    expect(await message(dom.setLifecycleAction(0, 6))).toBe("invalid argument: invalid lifecycle action '6'");
    await dom.destroy();
    expect(await message(dom.setLifecycleAction(0, 1, Impact.LIVE))).toBe('Requested operation is not valid: domain is not running');
  }));

  it('emulator pinning: the host width, <emulatorpin>, a running domain to pin', () => withTest(async (conn) => {
    const dom = await conn.lookupByName('test');
    // python3-libvirt cuts the map to virNodeGetCPUMap's 8 CPUs; the driver's is as wide as its node info (16).
    const pins = async (flags = 0) => (await dom.emulatorPinInfo(flags)).slice(0, 8);
    expect(await pins()).toEqual(new Array(8).fill(true));
    await dom.pinEmulator([true, false]);
    expect(await pins()).toEqual([true, ...new Array(7).fill(false)]);
    expect(await dom.getXMLDesc()).toContain("<cputune>\n    <emulatorpin cpuset='0'/>\n  </cputune>");
    await dom.pinEmulator([false, true, true], Impact.CONFIG);
    expect(await pins(Impact.CONFIG)).toEqual([false, true, true, false, false, false, false, false]);
    expect(await message(dom.pinEmulator([false, false]))).toBe('invalid argument: Empty cpu list for pinning');
    expect(await message(dom.emulatorPinInfo(Impact.LIVE | Impact.CONFIG))).toContain('mutually exclusive');
    await dom.destroy();
    expect(await message(dom.pinEmulator([true], Impact.LIVE))).toBe('Requested operation is not valid: domain is not running');
    expect(await message(dom.emulatorPinInfo(Impact.LIVE))).toBe('Requested operation is not valid: domain is not running');
  }));

  it('interface bandwidth: by target or MAC, an average of 0 drops the direction', () => withTest(async (conn) => {
    const dom = await conn.lookupByName('test');
    const values = async (dev: string) => Object.fromEntries((await dom.interfaceParameters(dev)).map((p) => [p.field, p.value]));
    expect(await dom.interfaceParameterCount('testnet0')).toBe(7);
    await dom.setInterfaceParameters('testnet0', [typedUInt('inbound.average', 100), typedUInt('inbound.peak', 200), typedUInt('outbound.average', 5)]);
    expect(await values('AA:bb:cc:dd:ee:ff')).toEqual({
      'inbound.average': 100, 'inbound.peak': 200, 'inbound.burst': 0, 'inbound.floor': 0, 'outbound.average': 5, 'outbound.peak': 0, 'outbound.burst': 0,
    });
    expect(await dom.getXMLDesc()).toContain("<bandwidth>\n        <inbound average='100' peak='200'/>\n        <outbound average='5'/>\n      </bandwidth>");
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).not.toContain('<bandwidth>');
    await dom.setInterfaceParameters('testnet0', [typedUInt('inbound.average', 0)]);
    expect((await values('testnet0'))['inbound.peak']).toBe(0);
    expect((await values('testnet0'))['outbound.average']).toBe(5);
    expect(await message(dom.interfaceParameters('nope'))).toBe("invalid argument: 'nope' is not a known interface");
  }));

  it('block I/O limits read as 0 for a disk named by target or path; launch security refuses every call', () => withTest(async (conn) => {
    const dom = await conn.lookupByName('test');
    const params = await dom.blockIoTune('/guest/diskimage1');
    expect(params).toHaveLength(20);
    expect(params.find((p) => p.field === 'group_name')?.value).toBe('');
    expect(await message(dom.blockIoTune('vdz'))).toBe("invalid argument: disk 'vdz' was not found in the domain config");
    expect(await message(dom.launchSecurityInfo())).toBe('unsupported flags (0x4) in function testDomainGetLaunchSecurityInfo');
    expect(await message(dom.setVcpu('1', true))).toBe('this function is not supported by the connection driver: virDomainSetVcpu');
  }));
});
