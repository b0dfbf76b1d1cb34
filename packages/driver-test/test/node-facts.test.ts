import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, ErrorCode, ErrorDomain } from '@tsvirt/api';
import { virErrorOf } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsvirt-node-facts-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let n = 0;
function config(body: string): string {
  const path = join(tmp, `node${++n}.xml`);
  writeFileSync(path, `<node>${body}</node>`);
  return `test://${path}`;
}
const cpu = (field: string, value: string): string => `<cpu><${field}>${value}</${field}></cpu>`;

// libvirt 9.0, checked with virsh -c test:///PATH.xml nodeinfo: unsigned 32-bit CPU fields, an
// unsigned 64-bit memory, blanks and '+' before the digits only, the first element of a name only.
describe('node facts of a custom config', () => {
  const BAD = ['abc', '-0', '-1', '1 ', '0x1', '1e3', '1.5', '4294967296', '\n1\n'];
  for (const field of ['nodes', 'sockets', 'cores', 'threads', 'active', 'mhz']) {
    it(`refuses a bad <cpu><${field}> at connect with libvirt's XML error`, async () => {
      for (const value of BAD) {
        const e = await virErrorOf(connect(config(cpu(field, value))));
        expect([value, e.code, e.domain, e.message]).toEqual([value, ErrorCode.XML_ERROR, ErrorDomain.TEST,
          `XML error: invalid node cpu ${field} value`]);
      }
    });
  }

  it('refuses a bad <memory>, an unsigned 64-bit number', async () => {
    for (const value of ['lots', '-1', '0x10', '18446744073709551616', '1 ']) {
      const e = await virErrorOf(connect(config(`<memory>${value}</memory>`)));
      expect([value, e.code, e.domain, e.message]).toEqual([value, ErrorCode.XML_ERROR, ErrorDomain.TEST, 'XML error: invalid node memory value']);
    }
    const conn = await connect(config('<memory>4294967296</memory>'));
    expect((await conn.nodeGetInfo()).memory).toBe(4294967296n);
    await conn.close();
    // Exact up to libvirt's largest, past what a JavaScript number holds.
    const most = await connect(config('<memory>18446744073709551615</memory>'));
    expect((await most.nodeGetInfo()).memory).toBe(18446744073709551615n);
    await most.close();
  });

  it('refuses a model of 32 characters or more', async () => {
    const long = 'a'.repeat(32);
    const e = await virErrorOf(connect(config(cpu('model', long))));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INTERNAL_ERROR, ErrorDomain.TEST, `internal error: Model ${long} too big for destination`]);
    const conn = await connect(config(cpu('model', 'a'.repeat(31))));
    expect((await conn.nodeGetInfo()).model).toBe('a'.repeat(31));
    await conn.close();
  });

  it('checks the fields in libvirt\'s order', async () => {
    const e = await virErrorOf(connect(config('<cpu><mhz>-5</mhz><nodes>x</nodes></cpu><memory>y</memory>')));
    expect(e.message).toBe('XML error: invalid node cpu nodes value');
  });

  it('takes blanks, a plus sign, zero, empty elements and the first of two as libvirt does', async () => {
    const conn = await connect(config(
      '<cpu><nodes> 3</nodes><nodes>x</nodes><sockets>+2</sockets><cores>01</cores><threads></threads><mhz>0</mhz><model> x </model></cpu>'));
    expect(await conn.nodeGetInfo()).toEqual({ model: ' x ', memory: 3145728n, cpus: 12, mhz: 0, nodes: 3, sockets: 2, cores: 1, threads: 2 });
    await conn.close();
  });

  it('multiplies the topology as C unsigned ints do and lowers it to <active>', async () => {
    const wrap = await connect(config(cpu('nodes', '2147483648')));
    expect((await wrap.nodeGetInfo()).cpus).toBe(0);
    await wrap.close();
    const active = await connect(config('<cpu><nodes>1</nodes><active>3</active></cpu>'));
    expect((await active.nodeGetInfo()).cpus).toBe(3);
    await active.close();
    const more = await connect(config('<cpu><nodes>1</nodes><active>100</active></cpu>'));
    expect((await more.nodeGetInfo()).cpus).toBe(8);
    await more.close();
  });
});
