import { describe, expect, it } from 'vitest';
import { ErrorCode, ListInterfacesFlags, ListNodeDevicesFlags as N, connect } from '@tsvirt/api';
import { TESTNODE_XML, uniqueName, virErrorOf } from './helpers.js';

// Each test gets a host of its own (a custom config), as the transaction state is per host.
// Expected values come from python3-libvirt 9.0 and virsh 9.0 against libvirt's test driver.
const ownHost = () => connect(`test://${TESTNODE_XML}`);

describe('test driver host interfaces', () => {
  it('test:///default has eth1, up, with its MAC', async () => {
    const conn = await connect('test:///default');
    const eth1 = await conn.interfaceLookupByMACString('AA:BB:CC:DD:EE:FF');
    expect([eth1.getName(), eth1.getMACString(), await eth1.isActive()]).toEqual(['eth1', 'aa:bb:cc:dd:ee:ff', true]);
    expect(await eth1.getXMLDesc()).toBe(`<interface type='ethernet' name='eth1'>
  <start mode='onboot'/>
  <mtu size='1492'/>
  <protocol family='ipv4'>
    <ip address='192.168.0.5' prefix='24'/>
    <route gateway='192.168.0.1'/>
  </protocol>
  <mac address='aa:bb:cc:dd:ee:ff'/>
</interface>
`);
  });

  it('defines, starts, stops and undefines (even while up)', async () => {
    const conn = await ownHost();
    const name = uniqueName('if');
    const iface = await conn.interfaceDefineXML(`<interface type='ethernet' name='${name}'><mac address='52:54:00:AA:BB:CC'/></interface>`);
    expect((await conn.listAllInterfaces(ListInterfacesFlags.INACTIVE)).map((i) => i.getName())).toEqual([name]);
    expect((await virErrorOf(iface.destroy())).message).toBe('Requested operation is not valid');
    await iface.create();
    expect((await virErrorOf(iface.create())).code).toBe(ErrorCode.OPERATION_INVALID);
    await iface.undefine();
    const e = await virErrorOf(conn.interfaceLookupByName(name));
    expect(e.message).toBe(`Interface not found: no interface with matching name '${name}'`);
  });

  it('rolls a transaction back to the saved definitions, all of them down', async () => {
    const conn = await ownHost();
    await conn.interfaceDefineXML("<interface type='ethernet' name='a'/>");
    await (await conn.interfaceLookupByName('a')).create();
    await conn.changeBegin();
    expect((await virErrorOf(conn.changeBegin())).message).toBe('Requested operation is not valid: there is another transaction running.');
    await conn.interfaceDefineXML("<interface type='ethernet' name='b'/>");
    await conn.changeRollback();
    const all = await conn.listAllInterfaces();
    expect(await Promise.all(all.map(async (i) => [i.getName(), await i.isActive()]))).toEqual([['a', false]]);
    expect((await virErrorOf(conn.changeCommit())).message).toBe('Requested operation is not valid: no transaction running, nothing to be committed.');
  });

  it('rejects bad interface XML with libvirt\'s messages', async () => {
    const conn = await ownHost();
    const msg = async (xml: string): Promise<string> => (await virErrorOf(conn.interfaceDefineXML(xml))).message;
    expect(await msg("<interface name='x'/>")).toBe("XML error: Missing required attribute 'type' in element 'interface'");
    expect(await msg("<interface type='ethernet'/>")).toBe('XML error: interface has no name');
    expect(await msg("<interface type='bridge' name='b'/>")).toBe('XML error: bridge interface misses the bridge element');
    expect(await msg("<interface type='ethernet' name='x'><start mode='bogus'/></interface>")).toBe('XML error: unknown interface startmode bogus');
  });
});

describe('test driver node devices', () => {
  it('test:///default has computer and three SCSI hosts', async () => {
    const conn = await connect('test:///default');
    const devs = await conn.listAllDevices();
    expect(await Promise.all(devs.map(async (d) => [d.getName(), await d.getParent(), await d.listCaps()]))).toEqual([
      ['computer', undefined, ['system']],
      ['scsi_host1', 'computer', ['scsi_host']],
      ['scsi_host2', 'computer', ['scsi_host']],
      ['scsi_host11', 'scsi_host1', ['scsi_host']],
    ]);
    expect((await conn.listAllDevices(N.CAP_VPORTS)).map((d) => d.getName())).toEqual(['scsi_host1', 'scsi_host2']);
    expect((await conn.listAllDevices(N.CAP_FC_HOST)).length).toBe(3);
  });

  it('refuses the ACTIVE and INACTIVE flags and the state calls, as libvirt 9.0 does', async () => {
    const conn = await connect('test:///default');
    expect((await virErrorOf(conn.listAllDevices(N.ACTIVE))).message).toBe('unsupported flags (0x80000000) in function testConnectListAllNodeDevices');
    const dev = await conn.nodeDeviceLookupByName('computer');
    await expect(dev.isActive()).rejects.toThrow('this function is not supported by the connection driver: virNodeDeviceIsActive');
    expect((await virErrorOf(conn.nodeDeviceLookupByName('nosuch'))).message)
      .toBe("Node device not found: no node device with matching name 'nosuch'");
  });

  it('loads <device> elements of a custom config', async () => {
    const conn = await ownHost();
    expect((await conn.listAllDevices()).map((d) => d.getName())).toEqual(['File_test_device']);
  });
});

describe('test driver host facts', () => {
  it('capabilities have test:///default\'s two NUMA cells and none for a custom config', async () => {
    expect(await (await connect('test:///default')).getCapabilities()).toContain("<cells num='2'>");
    expect(await (await ownHost()).getCapabilities()).toContain("<cells num='0'>\n      </cells>");
  });

  it('CPU stats are fixed, memory stats are not supported', async () => {
    const conn = await connect('test:///default');
    expect(await conn.getCPUStats(-1)).toEqual([
      { field: 'user', value: 9797400000n }, { field: 'kernel', value: 34678723400000n },
      { field: 'idle', value: 87264900000n }, { field: 'iowait', value: 763600000n },
    ]);
    await expect(conn.getMemoryStats(-1)).rejects.toThrow('this function is not supported by the connection driver: virNodeGetMemoryStats');
    expect(await conn.getSysinfo()).toMatch(/^<sysinfo type='smbios'>/);
  });
});
