import { describe, expect, it } from 'vitest';
import { virErrorOf } from '../src/testing/index.js';
import {
  Connection, Domain, DomainState, DomainXMLFlags, ErrorCode, Network, StoragePool, StorageVol,
  type DomainRef, type DriverConnection, type HypervisorDriver,
} from '../src/index.js';


const UUID = '6695eb01-f6a4-8304-79aa-97f2502e193f';
const REF: DomainRef = { name: 'd', uuid: UUID, id: -1 };

function fakeConnection(tables: Partial<DriverConnection> = {}): DriverConnection & { closes: number } {
  const c = {
    closes: 0,
    ...tables,
    close: async () => {
      c.closes++;
    },
  };
  return c;
}

describe('entry points a driver lacks are NO_SUPPORT naming the public API', () => {
  const conn = new Connection(fakeConnection({ hypervisor: {} }), 'fake:///', false);
  const dom = new Domain(conn, REF);
  const net = new Network(conn, { name: 'n', uuid: UUID });
  const pool = new StoragePool(conn, { name: 'p', uuid: UUID });
  const vol = new StorageVol(conn, { pool: 'p', name: 'v', key: '/v' });

  const cases: Array<[string, () => unknown]> = [
    ['virConnectGetType', () => conn.getType()],
    ['virConnectGetVersion', () => conn.getVersion()],
    ['virConnectGetHostname', () => conn.getHostname()],
    ['virConnectGetCapabilities', () => conn.getCapabilities()],
    ['virNodeGetInfo', () => conn.nodeGetInfo()],
    ['virNodeGetSecurityModel', () => conn.getSecurityModel()],
    ['virConnectListAllDomains', () => conn.listAllDomains()],
    ['virDomainLookupByName', () => conn.lookupByName('x')],
    ['virDomainLookupByID', () => conn.lookupByID(1)],
    ['virDomainLookupByUUIDString', () => conn.lookupByUUIDString(UUID)],
    ['virDomainDefineXML', () => conn.defineXML('<domain/>')],
    ['virDomainDefineXMLFlags', () => conn.defineXML('<domain/>', 1)],
    ['virDomainCreateXML', () => conn.createXML('<domain/>')],
    ['virConnectListAllNetworks', () => conn.listAllNetworks()],
    ['virNetworkLookupByName', () => conn.networkLookupByName('n')],
    ['virNetworkDefineXML', () => conn.networkDefineXML('<network/>')],
    ['virConnectListAllStoragePools', () => conn.listAllStoragePools()],
    ['virStoragePoolLookupByName', () => conn.storagePoolLookupByName('p')],
    ['virStorageVolLookupByPath', () => conn.storageVolLookupByPath('/v')],
    ['virConnectDomainEventRegisterAny', () => conn.domainEvents()],
    ['virDomainCreateWithFlags', () => dom.create()],
    ['virDomainDestroy', () => dom.destroy()],
    ['virDomainDestroyFlags', () => dom.destroy(1)],
    ['virDomainShutdown', () => dom.shutdown()],
    ['virDomainShutdownFlags', () => dom.shutdown(1)],
    ['virDomainReboot', () => dom.reboot()],
    ['virDomainReset', () => dom.reset()],
    ['virDomainSuspend', () => dom.suspend()],
    ['virDomainResume', () => dom.resume()],
    ['virDomainUndefine', () => dom.undefine()],
    ['virDomainUndefineFlags', () => dom.undefine(1)],
    ['virDomainGetXMLDesc', () => dom.getXMLDesc()],
    ['virDomainGetInfo', () => dom.getInfo()],
    ['virDomainGetState', () => dom.getState()],
    ['virDomainGetOSType', () => dom.getOSType()],
    ['virDomainIsActive', () => dom.isActive()],
    ['virDomainIsPersistent', () => dom.isPersistent()],
    ['virDomainGetAutostart', () => dom.getAutostart()],
    ['virDomainSetAutostart', () => dom.setAutostart(true)],
    ['virDomainHasManagedSaveImage', () => dom.hasManagedSaveImage()],
    ['virDomainGetSecurityLabel', () => dom.getSecurityLabel()],
    ['virNetworkCreate', () => net.create()],
    ['virNetworkGetXMLDesc', () => net.getXMLDesc()],
    ['virStoragePoolRefresh', () => pool.refresh()],
    ['virStoragePoolListAllVolumes', () => pool.listAllVolumes()],
    ['virStorageVolGetPath', () => vol.getPath()],
  ];
  for (const [api, call] of cases) {
    it(api, async () => {
      const e = await virErrorOf(call);
      expect(e.code).toBe(ErrorCode.NO_SUPPORT);
      expect(e.message).toBe(`this function is not supported by the connection driver: ${api}`);
    });
  }

  it('the exact case of the brief: lookupByName on an empty hypervisor table', async () => {
    const c = new Connection(fakeConnection({ hypervisor: {} }), 'fake:///', false);
    await expect(c.lookupByName('x')).rejects.toThrow('this function is not supported by the connection driver: virDomainLookupByName');
  });

  it('a connection without a hypervisor table at all behaves the same', async () => {
    const c = new Connection(fakeConnection(), 'fake:///', false);
    expect((await virErrorOf(() => c.listAllDomains())).message)
      .toBe('this function is not supported by the connection driver: virConnectListAllDomains');
  });

  it('getLibVersion needs no driver: libvirt 9.0.0', async () => {
    expect(await conn.getLibVersion()).toBe(9_000_000);
  });
});

/** A hypervisor table recording its calls. */
function recordingHypervisor(calls: string[]): HypervisorDriver {
  return {
    domainLookupByName: async (name) => {
      calls.push(`lookup ${name}`);
      return { name, uuid: UUID, id: 7 };
    },
    domainLookupByUUID: async (uuid) => {
      calls.push(`uuid ${uuid}`);
      return { name: 'd', uuid, id: -1 };
    },
    domainDefineXML: async (xml, flags) => {
      calls.push(`define ${xml} ${flags}`);
      return REF;
    },
    domainCreate: async (dom) => {
      calls.push(`create ${dom.name}`);
      return { ...dom, id: 42 };
    },
    domainDestroy: async (dom, flags) => {
      calls.push(`destroy ${dom.name} ${flags}`);
    },
    domainGetState: async () => ({ state: DomainState.PAUSED, reason: 1 }),
    domainGetXMLDesc: async (_dom, flags) => `<domain flags='${flags}'/>`,
  };
}

describe('Connection and Domain over a driver', () => {
  it('pass arguments and flags through and keep the domain id current', async () => {
    const calls: string[] = [];
    const conn = new Connection(fakeConnection({ hypervisor: recordingHypervisor(calls) }), 'fake:///', false);
    const dom = await conn.defineXML('<domain/>');
    expect(dom.getID()).toBe(-1);
    await dom.create();
    expect(dom.getID()).toBe(42);
    await dom.destroy();
    expect(dom.getID()).toBe(-1);
    expect(await dom.getState()).toEqual([DomainState.PAUSED, 1]);
    expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toBe("<domain flags='2'/>");
    expect(calls).toEqual(['define <domain/> 0', 'create d', 'destroy d 0']);
  });

  it('lookupByUUIDString hands the driver a canonical UUID and refuses a bad one', async () => {
    const calls: string[] = [];
    const conn = new Connection(fakeConnection({ hypervisor: recordingHypervisor(calls) }), 'fake:///', false);
    await conn.lookupByUUIDString('6695EB01F6A4830479AA97F2502E193F');
    expect(calls).toEqual([`uuid ${UUID}`]);
    const e = await virErrorOf(() => conn.lookupByUUIDString('not-a-uuid'));
    expect(e.code).toBe(ErrorCode.INVALID_ARG);
    expect(calls).toHaveLength(1);
  });

  it('a read-only connection refuses every modifying call before the driver sees it', async () => {
    const calls: string[] = [];
    const conn = new Connection(fakeConnection({ hypervisor: recordingHypervisor(calls) }), 'fake:///', true);
    expect(conn.isReadOnly()).toBe(true);
    const define = await virErrorOf(() => conn.defineXML('<domain/>'));
    expect([define.code, define.message]).toEqual([ErrorCode.OPERATION_DENIED,
      'operation forbidden: read only access prevents virDomainDefineXML']);
    const dom = await conn.lookupByName('d');
    for (const [api, call] of [
      ['virDomainCreateWithFlags', () => dom.create()],
      ['virDomainDestroy', () => dom.destroy()],
      ['virDomainUndefine', () => dom.undefine()],
      ['virDomainSuspend', () => dom.suspend()],
      ['virDomainSetAutostart', () => dom.setAutostart(true)],
      ['virDomainCreateXML', () => conn.createXML('<domain/>')],
      ['virNetworkDefineXML', () => conn.networkDefineXML('<network/>')],
    ] as Array<[string, () => unknown]>) {
      expect((await virErrorOf(call)).message).toBe(`operation forbidden: read only access prevents ${api}`);
    }
    const secure = await virErrorOf(() => dom.getXMLDesc(DomainXMLFlags.SECURE));
    expect(secure.message).toBe('operation forbidden: virDomainGetXMLDesc with secure flag');
    // Reading is fine.
    expect(await dom.getXMLDesc()).toBe("<domain flags='0'/>");
    expect(calls).toEqual(['lookup d']);
  });

  it('a driver with tableForCall learns which public call each entry point serves', async () => {
    const seen: string[] = [];
    const hypervisor: HypervisorDriver = {
      domainAttachDevice: async (_d, xml, flags) => void seen.push(`attach ${xml} ${flags}`),
      domainDetachDevice: async (_d, xml, flags) => void seen.push(`detach ${xml} ${flags}`),
    };
    const driver = fakeConnection({
      tableForCall: <K extends 'hypervisor'>(kind: K, api: string) => {
        seen.push(`${kind} ${api}`);
        return hypervisor;
      },
    } as Partial<DriverConnection>);
    const dom = new Domain(new Connection(driver, 'fake:///', false), REF);
    await dom.attachDevice('<disk/>');
    await dom.attachDeviceFlags('<disk/>', 0);
    await dom.detachDevice('<disk/>');
    await dom.detachDeviceFlags('<disk/>', 2);
    expect(seen).toEqual([
      'hypervisor virDomainAttachDevice', 'attach <disk/> 1', 'hypervisor virDomainAttachDeviceFlags', 'attach <disk/> 0',
      'hypervisor virDomainDetachDevice', 'detach <disk/> 1', 'hypervisor virDomainDetachDeviceFlags', 'detach <disk/> 2',
    ]);
  });

  it('read-only is checked before support: a missing modifying entry is still OPERATION_DENIED', async () => {
    const conn = new Connection(fakeConnection({ hypervisor: {} }), 'fake:///', true);
    expect((await virErrorOf(() => conn.defineXML('<domain/>'))).code).toBe(ErrorCode.OPERATION_DENIED);
  });
});

describe('a closed connection', () => {
  it('raises INVALID_CONN naming the public API, as libvirt does', async () => {
    const calls: string[] = [];
    const driver = fakeConnection({ hypervisor: recordingHypervisor(calls), events: { subscribe: () => () => undefined } });
    const conn = new Connection(driver, 'fake:///', true);
    const dom = await conn.lookupByName('d');
    await conn.close();
    await conn.close();
    expect(driver.closes).toBe(1);
    for (const [api, call] of [
      ['virDomainLookupByName', () => conn.lookupByName('d')],
      ['virConnectGetURI', () => conn.getURI()],
      ['virConnectListAllDomains', () => conn.listAllDomains()],
      // The connection is checked before read-only access.
      ['virDomainDefineXML', () => conn.defineXML('<domain/>')],
      ['virConnectListAllNetworks', () => conn.listAllNetworks()],
      ['virConnectDomainEventRegisterAny', () => conn.domainEvents()],
    ] as Array<[string, () => unknown]>) {
      const e = await virErrorOf(call);
      expect([e.code, e.message]).toEqual([ErrorCode.INVALID_CONN, `invalid connection pointer in ${api}`]);
    }
    // Handles of a closed connection fail the same way.
    expect((await virErrorOf(() => dom.isActive())).code).toBe(ErrorCode.INVALID_CONN);
    expect(calls).toEqual(['lookup d']);
  });
});
