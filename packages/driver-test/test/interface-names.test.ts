import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, DomainXMLFlags, ErrorCode, ErrorDomain, type Connection } from '@tsvirt/api';
import { defaultConn, uniqueName, virErrorOf } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tsvirt-ifnames-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const iface = (i: number, target?: string): string =>
  `<interface type='user'><mac address='52:54:00:${[i >> 16, (i >> 8) & 255, i & 255].map((b) => b.toString(16).padStart(2, '0')).join(':')}'/>${
    target === undefined ? '' : `<target dev='${target}'/>`}</interface>`;
const domain = (name: string, ifaces: string): string =>
  `<domain type='test'><name>${name}</name><memory>8192</memory><os><type>hvm</type></os><devices>${ifaces}</devices></domain>`;

async function targets(conn: Connection, name: string, flags = 0): Promise<string[]> {
  const xml = await (await conn.lookupByName(name)).getXMLDesc(flags);
  return [...xml.matchAll(/<target dev='([^']+)'\/>/g)].map((m) => m[1]!);
}

// libvirt 9.0's test driver, checked with virsh and python3-libvirt.
describe('interface target names', () => {
  it('drop the names libvirt generates itself and give the lowest free testnetN, at define and start alike', async () => {
    const conn = await defaultConn();
    const name = uniqueName('ifnames');
    const given = ['macvtap3', 'macvlan1', 'vif1.0', 'vnet', 'testnet0', 'tap0', undefined];
    await conn.defineXML(domain(name, given.map((t, i) => iface(i, t)).join('')));
    const expected = ['testnet1', 'testnet2', 'vif1.0', 'testnet3', 'testnet0', 'tap0', 'testnet4'];
    expect(await targets(conn, name, DomainXMLFlags.INACTIVE)).toEqual(expected);
    const dom = await conn.lookupByName(name);
    await dom.create();
    expect(await targets(conn, name)).toEqual(expected);
    await dom.destroy();
    await dom.undefine();
  });

  it('stop at libvirt\'s limit of 1,024 generated names', async () => {
    const conn = await defaultConn();
    const many = (n: number): string => Array.from({ length: n }, (_, i) => iface(i)).join('');
    const e = await virErrorOf(conn.defineXML(domain(uniqueName('ifmax'), many(1025))));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INTERNAL_ERROR, ErrorDomain.TEST, 'internal error: Exceeded max iface limit 1024']);
    // A name given past the limit takes none of the 1,024.
    const name = uniqueName('ifmax-ok');
    await conn.defineXML(domain(name, many(1024) + iface(5000, 'testnet5000')));
    const names = await targets(conn, name, DomainXMLFlags.INACTIVE);
    expect([names.length, names[1023], names[1024]]).toEqual([1025, 'testnet1023', 'testnet5000']);
    await (await conn.lookupByName(name)).undefine();
  });

  it('are given to the domains of a custom config as to defined ones', async () => {
    const path = join(tmp, 'node.xml');
    writeFileSync(path, `<node>${domain('cfg', iface(1) + iface(2, 'vnet3') + iface(3, 'mine'))}</node>`);
    const conn = await connect(`test://${path}`);
    expect(await targets(conn, 'cfg')).toEqual(['testnet0', 'testnet1', 'mine']);
    expect(await targets(conn, 'cfg', DomainXMLFlags.INACTIVE)).toEqual(['testnet0', 'testnet1', 'mine']);
    await conn.close();
  });
});
