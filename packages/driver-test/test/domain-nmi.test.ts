import { describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain } from '@tsvirt/api';
import { defaultConn, domainXML, uniqueName, virErrorOf } from './helpers.js';

// Checked with python3-libvirt 9.0 on test:///default.
describe('domainInjectNMI', () => {
  it('succeeds on a running or paused domain and refuses a shut-off one as libvirt does', async () => {
    const conn = await defaultConn();
    const dom = await conn.defineXML(domainXML(uniqueName('nmi')));
    const off = await virErrorOf(dom.injectNMI());
    expect([off.code, off.domain, off.message]).toEqual([ErrorCode.OPERATION_INVALID, ErrorDomain.DOMAIN,
      'Requested operation is not valid: domain is not running']);
    await dom.create();
    await dom.injectNMI();
    await dom.suspend();
    await dom.injectNMI();
    await dom.destroy();
    await dom.undefine();
  });

  it('takes no flags, whatever the state', async () => {
    const conn = await defaultConn();
    const dom = await conn.defineXML(domainXML(uniqueName('nmi-flags')));
    for (const flags of [1, 2, 0x80000000]) {
      const e = await virErrorOf(dom.injectNMI(flags));
      expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INVALID_ARG, ErrorDomain.TEST,
        `unsupported flags (0x${flags.toString(16)}) in function testDomainInjectNMI`]);
    }
    await dom.undefine();
  });
});
