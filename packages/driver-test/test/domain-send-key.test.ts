import { describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain } from '@tsvirt/api';
import { KeycodeSet } from '@tsvirt/util/keycodes';
import { defaultConn, domainXML, uniqueName, virErrorOf } from './helpers.js';

// Checked with python3-libvirt 9.0 on test:///default.
describe('domainSendKey', () => {
  it('takes keys of every code set on a running or paused domain and refuses a shut-off one first', async () => {
    const conn = await defaultConn();
    const dom = await conn.defineXML(domainXML(uniqueName('send-key')));
    const off = await virErrorOf(dom.sendKey(KeycodeSet.LINUX, 0, [99999]));
    expect([off.code, off.domain, off.message]).toEqual([ErrorCode.OPERATION_INVALID, ErrorDomain.DOMAIN,
      'Requested operation is not valid: domain is not running']);
    await dom.create();
    for (const set of Object.values(KeycodeSet)) await dom.sendKey(set, 5000, [0]);
    await dom.suspend();
    await dom.sendKey(KeycodeSet.XT, 0, [30, 0x1d]);
    await dom.destroy();
    await dom.undefine();
  });

  it('refuses a code no key of the set has, naming the code and the set', async () => {
    const dom = await (await defaultConn()).lookupByName('test');
    for (const [set, code, name] of [[KeycodeSet.XT, 128, 'xt'], [KeycodeSet.USB, 65535, 'usb'], [KeycodeSet.RFB, 99999, 'qnum']] as const) {
      const e = await virErrorOf(dom.sendKey(set, 0, [30, code]));
      expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INTERNAL_ERROR, ErrorDomain.TEST,
        `internal error: invalid keycode ${code} of ${name} codeset`]);
    }
  });

  it('takes no flags, whatever the state', async () => {
    const conn = await defaultConn();
    const dom = await conn.defineXML(domainXML(uniqueName('send-key-flags')));
    for (const flags of [1, 2, 0x80000000]) {
      const e = await virErrorOf(dom.sendKey(KeycodeSet.LINUX, 0, [30], flags));
      expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INVALID_ARG, ErrorDomain.TEST,
        `unsupported flags (0x${flags.toString(16)}) in function testDomainSendKey`]);
    }
    await dom.undefine();
  });
});
