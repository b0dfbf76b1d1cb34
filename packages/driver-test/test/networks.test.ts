import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ListNetworksFlags as F, NetworkXMLFlags, connect, type Connection } from '@tsvirt/api';
import { TESTNODE_XML, defaultConn, uniqueName, virErrorOf } from './helpers.js';

const netXML = (name: string, uuid = randomUUID(), bridge = 'virbr7'): string =>
  `<network><name>${name}</name><uuid>${uuid}</uuid><bridge name='${bridge}'/></network>`;

const names = async (conn: Connection, flags: number): Promise<string[]> => (await conn.listAllNetworks(flags)).map((n) => n.getName());

// Expected values come from python3-libvirt 9.0 and virsh 9.0 against test:///default.
describe('test driver networks', () => {
  it('test:///default has the running, persistent network default', async () => {
    const conn = await defaultConn();
    const net = await conn.networkLookupByName('default');
    expect(net.getUUIDString()).toBe('dd8fe884-6c02-601e-7551-cca97df1c5df');
    expect([await net.isActive(), await net.isPersistent(), await net.getAutostart(), await net.getBridgeName()]).toEqual([true, true, false, 'virbr0']);
    expect(await net.getXMLDesc()).toContain("<bridge name='virbr0' stp='on' delay='0'/>");
    expect((await conn.networkLookupByUUIDString('dd8fe884-6c02-601e-7551-cca97df1c5df')).getName()).toBe('default');
  });

  it('defines, starts, stops and undefines with libvirt 9.0 test driver rules', async () => {
    const conn = await defaultConn();
    const name = uniqueName('net');
    const net = await conn.networkDefineXML(netXML(name));
    expect(await names(conn, F.INACTIVE)).toContain(name);
    await net.create();
    expect((await virErrorOf(net.create())).message).toBe(`Requested operation is not valid: Network '${name}' is already running`);
    expect((await virErrorOf(net.undefine())).message).toBe(`Requested operation is not valid: Network '${name}' is still running`);
    await net.destroy();
    await net.destroy(); // the 9.0 test driver does not check
    await net.undefine();
    const gone = await virErrorOf(conn.networkLookupByName(name));
    expect([gone.code, gone.message]).toEqual([ErrorCode.NO_NETWORK, `Network not found: no network with matching name '${name}'`]);
  });

  it('a transient network disappears when destroyed and cannot be undefined while running', async () => {
    const conn = await defaultConn();
    const name = uniqueName('tnet');
    const net = await conn.networkCreateXML(netXML(name));
    expect(await names(conn, F.TRANSIENT)).toContain(name);
    await net.setAutostart(true);
    expect(await net.getAutostart()).toBe(true);
    await net.destroy();
    expect(await names(conn, 0)).not.toContain(name);
  });

  it('refuses duplicates and a second createXML of a running network', async () => {
    const conn = await defaultConn();
    const uuid = 'dd8fe884-6c02-601e-7551-cca97df1c5df';
    expect((await virErrorOf(conn.networkDefineXML(netXML('default')))).message)
      .toBe(`operation failed: network 'default' already exists with uuid ${uuid}`);
    expect((await virErrorOf(conn.networkDefineXML(netXML(uniqueName('dup'), uuid)))).message)
      .toBe(`operation failed: network 'default' is already defined with uuid ${uuid}`);
    const name = uniqueName('twice');
    await conn.networkCreateXML(netXML(name, '11111111-2222-3333-4444-0000000000aa'));
    expect((await virErrorOf(conn.networkCreateXML(netXML(name, '11111111-2222-3333-4444-0000000000aa')))).message)
      .toBe(`Requested operation is not valid: network is already active as '${name}'`);
    await (await conn.networkLookupByName(name)).destroy();
  });

  it('keeps the running definition when redefined while running, even after it stops', async () => {
    const conn = await defaultConn();
    const name = uniqueName('redef');
    const uuid = randomUUID();
    const net = await conn.networkDefineXML(netXML(name, uuid, 'virbr1'));
    await net.create();
    await conn.networkDefineXML(netXML(name, uuid, 'virbr9'));
    await net.destroy();
    expect(await net.getBridgeName()).toBe('virbr1');
    await conn.networkCreateXML(netXML(name, uuid, 'virbr9'));
    await net.destroy();
    expect(await net.getBridgeName()).toBe('virbr9');
    await net.undefine();
  });

  it('refuses NetworkXMLFlags.INACTIVE and reports a network without bridge', async () => {
    const conn = await defaultConn();
    const net = await conn.networkLookupByName('default');
    expect((await virErrorOf(net.getXMLDesc(NetworkXMLFlags.INACTIVE))).message).toBe('unsupported flags (0x1) in function testNetworkGetXMLDesc');
    const nob = await conn.networkDefineXML(`<network><name>${uniqueName('nob')}</name></network>`);
    expect((await virErrorOf(nob.getBridgeName())).message).toBe(`internal error: network '${nob.getName()}' does not have a bridge name.`);
    expect(await nob.getXMLDesc()).toContain("<bridge stp='on' delay='0'/>");
    await nob.undefine();
  });

  it('has no DHCP leases call, as libvirt 9.0 test driver has none', async () => {
    const net = await (await defaultConn()).networkLookupByName('default');
    await expect(net.getDHCPLeases()).rejects.toThrow('this function is not supported by the connection driver: virNetworkGetDHCPLeases');
  });

  it('loads the networks of a custom config, running and persistent', async () => {
    const conn = await connect(`test://${TESTNODE_XML}`);
    expect((await conn.listAllNetworks()).map((n) => [n.getName(), n.getUUIDString()])).toEqual([
      ['private', '004b2221-2d78-c30f-5aa5-f03c87d21e69'],
      ['default', '004b96e1-2d78-c30f-5aa5-f03c87d21e69'],
    ]);
    expect(await (await conn.networkLookupByName('default')).getXMLDesc()).toContain("<forward dev='eth0' mode='nat'>");
  });
});
