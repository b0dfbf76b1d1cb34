import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { virErrorOf } from '../src/testing/index.js';
import {
  Connection, DRIVER_REGISTRY, ErrorCode, ErrorDomain, VirError, addDriverImporter, connect, discoverDrivers, driverEntry,
  forgetDiscoveredDrivers, loadDriver, registerDriver, registerDriverPackage, unloadDrivers,
  type ConnectionDriver, type DriverConnection, type OpenContext,
} from '../src/index.js';


/** What the fake importer answers, by specifier: a module, or an error to throw. */
const provided = new Map<string, unknown>();
const importerCalls: string[] = [];
addDriverImporter(async (specifier) => {
  importerCalls.push(specifier);
  const mod = provided.get(specifier);
  if (mod instanceof Error) throw mod;
  return mod;
});

afterEach(async () => {
  await unloadDrivers();
  provided.clear();
  importerCalls.length = 0;
});

interface FakeDriver extends ConnectionDriver {
  opened: OpenContext[];
  closed: number;
  initialised: number;
  cleaned: number;
}

/** A driver whose connections have the hypervisor entry points given. */
function fakeDriver(name: string, table: Partial<DriverConnection> = {}, answer?: 'declined'): FakeDriver {
  const d: FakeDriver = {
    name,
    schemes: ['lxc'],
    localOnly: true,
    opened: [],
    closed: 0,
    initialised: 0,
    cleaned: 0,
    state: {
      stateInitialize: async () => {
        d.initialised++;
      },
      stateCleanup: async () => {
        d.cleaned++;
      },
    },
    async open(ctx) {
      d.opened.push(ctx);
      if (answer) return answer;
      return {
        hypervisor: { connectGetType: async () => name.toUpperCase() },
        ...table,
        close: async () => {
          d.closed++;
        },
      };
    },
  };
  return d;
}

describe('registerDriver', () => {
  it('adds a scheme without editing the built-in table, checked against the driver\'s schemes', async () => {
    const esx = { ...fakeDriver('ESX'), schemes: ['esx', 'vpx'] };
    provided.set('@acme/tsvirt-esx', { driver: esx });
    // A host with a scheme no driver claims goes to the remote driver, as in libvirt.
    expect((await virErrorOf(connect('esx://h/'))).message).toBe(
      "no connection driver available for esx://h/: the host 'h' needs the remote driver; install the package @tsvirt/remote to use it");
    registerDriver('esx', '@acme/tsvirt-esx');
    expect(driverEntry('ESX')).toEqual({ package: '@acme/tsvirt-esx', secondary: [] });
    expect(DRIVER_REGISTRY['esx']).toBeUndefined();
    expect(await (await connect('esx:///')).getType()).toBe('ESX');
    expect(await registerDriverPackage('@acme/tsvirt-esx')).toEqual(['esx', 'vpx']);
    expect(await (await connect('vpx:///')).getType()).toBe('ESX');
    expect((await virErrorOf(async () => registerDriver('a+b', 'x'))).code).toBe(ErrorCode.INVALID_ARG);
    expect((await virErrorOf(registerDriverPackage('@acme/nothing'))).message).toContain('@acme/nothing is not installed');
  });

  it('discovers schemes from installed packages\' package.json metadata', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tsvirt-discover-'));
    try {
      const pkg = join(dir, 'node_modules', '@acme', 'tsvirt-xen');
      mkdirSync(pkg, { recursive: true });
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@acme/tsvirt-xen', tsvirt: { schemes: ['xen'], secondary: ['@acme/xen-net'] } }));
      mkdirSync(join(dir, 'node_modules', 'plain'), { recursive: true });
      writeFileSync(join(dir, 'node_modules', 'plain', 'package.json'), '{"name":"plain"}');
      const found = discoverDrivers(join(dir, 'app'));
      expect(found.get('xen')).toEqual({ package: '@acme/tsvirt-xen', secondary: ['@acme/xen-net'] });
      expect(found.has('plain')).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
      forgetDiscoveredDrivers();
    }
  });
});

describe('DRIVER_REGISTRY', () => {
  it('maps each scheme to the package that provides it', () => {
    expect(DRIVER_REGISTRY['test']?.package).toBe('@tsvirt/driver-test');
    expect(DRIVER_REGISTRY['qemu']?.package).toBe('@tsvirt/driver-qemu');
    expect(DRIVER_REGISTRY['lxc']?.package).toBe('@tsvirt/driver-lxc');
    expect(DRIVER_REGISTRY['qemu']?.secondary).toEqual(['@tsvirt/secondary-network', '@tsvirt/secondary-storage', '@tsvirt/secondary-secret']);
    expect(DRIVER_REGISTRY['test']?.secondary).toEqual([]);
  });
});

describe('connect', () => {
  it('an unknown scheme is NO_CONNECT', async () => {
    const e = await virErrorOf(connect('foo:///x'));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.NO_CONNECT, ErrorDomain.NONE, 'no connection driver available for foo:///x']);
    expect(importerCalls).toEqual([]);
  });

  it('a registered scheme whose package is not installed is NO_CONNECT naming the package', async () => {
    // Neither driver is a dependency of @tsvirt/api, so neither resolves from here.
    const e = await virErrorOf(connect('qemu:///system'));
    expect(e.code).toBe(ErrorCode.NO_CONNECT);
    expect(e.message).toBe('no connection driver available for qemu:///system: '
      + 'the package @tsvirt/driver-qemu is not installed and @tsvirt/remote is not installed to reach a daemon; '
      + 'install @tsvirt/driver-qemu to use qemu:// URIs, or @tsvirt/remote with a running libvirtd');
    expect(importerCalls).toEqual(['@tsvirt/driver-qemu', '@tsvirt/remote']);
    const lxc = await virErrorOf(connect('lxc:///'));
    expect(lxc.message).toContain('@tsvirt/driver-lxc is not installed');
    expect(await loadDriver('@tsvirt/driver-lxc')).toBeUndefined();
  });

  it('URIs libvirt refuses before any driver: no scheme, a scheme of another case, malformed ones', async () => {
    const answer = async (uri: string): Promise<unknown> => {
      const e = await virErrorOf(connect(uri));
      return [e.code, e.domain, e.message];
    };
    expect(await answer('foo')).toEqual([ErrorCode.NO_CONNECT, ErrorDomain.NONE, "no connection driver available for URI 'foo' does not include a driver name"]);
    expect(await answer('TEST:///default')).toEqual([ErrorCode.NO_CONNECT, ErrorDomain.NONE, 'no connection driver available for TEST:///default']);
    for (const bad of [':///', '%%%', '   ', 'test :///default', 'qemu+unix://host:/system']) {
      expect(await answer(bad)).toEqual([ErrorCode.INTERNAL_ERROR, ErrorDomain.URI, `internal error: Unable to parse URI ${bad}`]);
    }
    expect(importerCalls).toEqual([]);
  });

  it('an empty URI is no URI: LIBVIRT_DEFAULT_URI is used', async () => {
    const saved = process.env['LIBVIRT_DEFAULT_URI'];
    process.env['LIBVIRT_DEFAULT_URI'] = 'foo:///x';
    try {
      expect((await virErrorOf(connect(''))).message).toBe('no connection driver available for foo:///x');
    } finally {
      if (saved === undefined) delete process.env['LIBVIRT_DEFAULT_URI'];
      else process.env['LIBVIRT_DEFAULT_URI'] = saved;
    }
  });

  it('a malformed URI is refused by the URI parser', async () => {
    const e = await virErrorOf(connect('not a uri'));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INTERNAL_ERROR, ErrorDomain.URI, 'internal error: Unable to parse URI not a uri']);
  });

  it('loads the package through an added importer, on first use only, and opens it', async () => {
    const driver = fakeDriver('Fake');
    provided.set('@tsvirt/driver-lxc', { driver });
    const conn = await connect('lxc:///?x=1');
    expect(conn).toBeInstanceOf(Connection);
    expect(await conn.getType()).toBe('FAKE');
    expect(conn.getURI()).toBe('lxc:///?x=1');
    expect(conn.isReadOnly()).toBe(false);
    expect(driver.opened).toHaveLength(1);
    const ctx = driver.opened[0]!;
    expect([ctx.uri.driver, ctx.uri.path, ctx.uri.query, ctx.readonly]).toEqual(['lxc', '/', [['x', '1']], false]);
    expect(typeof ctx.connect).toBe('function');

    const ro = await connect('lxc:///', { readonly: true });
    expect(ro.isReadOnly()).toBe(true);
    expect(driver.opened[1]!.readonly).toBe(true);
    // The package was imported and its state initialised once for both connections.
    expect(importerCalls.filter((s) => s === '@tsvirt/driver-lxc')).toEqual(['@tsvirt/driver-lxc']);
    expect(driver.initialised).toBe(1);

    await conn.close();
    await conn.close();
    expect(driver.closed).toBe(1);
    await unloadDrivers();
    expect(driver.cleaned).toBe(1);
  });

  it('a module without a `driver` export counts as not installed', async () => {
    provided.set('@tsvirt/driver-lxc', { notADriver: true });
    expect((await virErrorOf(connect('lxc:///'))).message).toContain('@tsvirt/driver-lxc is not installed');
  });

  it('a driver that declines the URI gives NO_CONNECT', async () => {
    provided.set('@tsvirt/driver-lxc', { driver: fakeDriver('Fake', {}, 'declined') });
    const e = await virErrorOf(connect('lxc:///'));
    expect([e.code, e.message]).toEqual([ErrorCode.NO_CONNECT, 'no connection driver available for lxc:///']);
  });

  it("a driver's own error stops the connection as it is", async () => {
    const driver = fakeDriver('Fake');
    driver.open = async () => {
      throw new VirError(ErrorCode.INVALID_ARG, 'no such thing', ErrorDomain.LXC);
    };
    provided.set('@tsvirt/driver-lxc', { driver });
    const e = await virErrorOf(connect('lxc:///'));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.INVALID_ARG, ErrorDomain.LXC, 'invalid argument: no such thing']);
  });

  it('a local-only driver refuses a URI with a host', async () => {
    provided.set('@tsvirt/driver-lxc', { driver: fakeDriver('Fake') });
    const e = await virErrorOf(connect('lxc://elsewhere/'));
    expect([e.code, e.message]).toEqual([ErrorCode.NO_CONNECT, 'no connection driver available for lxc://elsewhere/: '
      + 'the Fake driver works only on the local host; install the package @tsvirt/remote to use it']);
  });

  it('a package that fails to load for another reason is an INTERNAL_ERROR, retried on the next call', async () => {
    provided.set('@tsvirt/driver-lxc', new SyntaxError('Unexpected token'));
    const e = await virErrorOf(connect('lxc:///'));
    expect([e.code, e.message]).toEqual([ErrorCode.INTERNAL_ERROR,
      'internal error: failed to load driver package @tsvirt/driver-lxc: Unexpected token']);
    provided.set('@tsvirt/driver-lxc', { driver: fakeDriver('Fake') });
    expect(await (await connect('lxc:///')).getType()).toBe('FAKE');
  });

  it("a driver package whose own dependency is missing is not reported as not installed", async () => {
    const missingDep = Object.assign(new Error("Cannot find package 'libxml2-wasm' imported from /x/dist/index.js"), { code: 'ERR_MODULE_NOT_FOUND' });
    provided.set('@tsvirt/driver-lxc', missingDep);
    const e = await virErrorOf(connect('lxc:///'));
    expect(e.code).toBe(ErrorCode.INTERNAL_ERROR);
    expect(e.message).toContain('libxml2-wasm');
  });

  it('secondary drivers fill in the network and storage tables the main one lacks', async () => {
    const main = fakeDriver('Fake');
    const net = fakeDriver('Net', { hypervisor: undefined, network: { connectListAllNetworks: async () => [{ name: 'default', uuid: 'u' }] } });
    provided.set('@tsvirt/driver-lxc', { driver: main });
    provided.set('@tsvirt/secondary-network', { driver: net });
    const conn = await connect('lxc:///');
    expect((await conn.listAllNetworks()).map((n) => n.getName())).toEqual(['default']);
    // No storage driver installed: storage calls are unsupported, not broken.
    const e = await virErrorOf(conn.listAllStoragePools());
    expect(e.message).toBe('this function is not supported by the connection driver: virConnectListAllStoragePools: '
      + 'the package @tsvirt/secondary-storage is not installed; install it for storage calls');
    await conn.close();
    expect([main.closed, net.closed]).toEqual([1, 1]);
  });

  it('secondary drivers are opened by the first call that needs one of their kinds, once, and closed with the connection', async () => {
    const main = fakeDriver('Fake');
    const net = fakeDriver('Net', { hypervisor: undefined, network: { connectListAllNetworks: async () => [{ name: 'default', uuid: 'u' }] } });
    const storage = fakeDriver('Storage', { hypervisor: undefined, storage: { connectListAllStoragePools: async () => [] } });
    provided.set('@tsvirt/driver-lxc', { driver: main });
    provided.set('@tsvirt/secondary-network', { driver: net });
    provided.set('@tsvirt/secondary-storage', { driver: storage });
    const conn = await connect('lxc:///');
    expect(await conn.getType()).toBe('FAKE');
    expect([net.opened.length, storage.opened.length]).toEqual([0, 0]);
    // two calls at once: one opening, in the registry's order, as connect() opened them before
    const [nets, pools] = await Promise.all([conn.listAllNetworks(), conn.listAllStoragePools()]);
    expect([nets.map((n) => n.getName()), pools]).toEqual([['default'], []]);
    await conn.listAllNetworks();
    expect([net.opened.length, storage.opened.length]).toEqual([1, 1]);
    // a kind no installed package provides: NO_SUPPORT naming the missing one, as before
    const e = await virErrorOf(conn.listAllSecrets());
    expect([e.code, e.message]).toEqual([ErrorCode.NO_SUPPORT, 'this function is not supported by the connection driver: '
      + 'virConnectListAllSecrets: the package @tsvirt/secondary-secret is not installed; install it for secret calls']);
    // an entry point the secondary lacks is NO_SUPPORT naming the public call, before and after the open
    const fresh = await connect('lxc:///');
    expect((await virErrorOf(fresh.networkDefineXML('<network/>'))).message)
      .toBe('this function is not supported by the connection driver: virNetworkDefineXML');
    expect((await virErrorOf(fresh.networkDefineXML('<network/>'))).message)
      .toBe('this function is not supported by the connection driver: virNetworkDefineXML');
    await Promise.all([conn.close(), fresh.close()]);
    expect([main.closed, net.closed, storage.closed]).toEqual([2, 2, 2]);
    // a connection that never needed them never opens them
    await (await connect('lxc:///')).close();
    expect([main.closed, net.opened.length]).toEqual([3, 2]);
  });

  it("a secondary driver's failing open is the failing call's error; the next call opens it again", async () => {
    const main = fakeDriver('Fake');
    const net = fakeDriver('Net', { hypervisor: undefined, network: { connectListAllNetworks: async () => [] } });
    const open = net.open.bind(net);
    let fail = true;
    net.open = async (ctx) => {
      if (fail) throw new VirError(ErrorCode.INTERNAL_ERROR, 'cannot read the network directory', ErrorDomain.NETWORK);
      return open(ctx);
    };
    provided.set('@tsvirt/driver-lxc', { driver: main });
    provided.set('@tsvirt/secondary-network', { driver: net });
    const conn = await connect('lxc:///');
    expect(await conn.getType()).toBe('FAKE');
    expect((await virErrorOf(conn.listAllNetworks())).message).toBe('internal error: cannot read the network directory');
    fail = false;
    expect(await conn.listAllNetworks()).toEqual([]);
    await conn.close();
    expect([main.closed, net.closed]).toEqual([1, 1]);
  });

  it("a secondary driver's secrets and network filters are reachable (every kind is merged)", async () => {
    const main = fakeDriver('Fake');
    const uuid = '6695eb01-f6a4-8304-79aa-97f2502e193f';
    const extra = fakeDriver('Extra', {
      hypervisor: undefined,
      secret: { connectListAllSecrets: async () => [{ uuid, usageType: 0, usageID: '' }] },
      nwfilter: { connectListAllNWFilters: async () => [{ name: 'clean-traffic', uuid }] },
      interface: { connectListAllInterfaces: async () => [{ name: 'eth0', mac: '' }] },
      nodeDevice: { connectListAllNodeDevices: async () => [{ name: 'computer' }] },
    });
    provided.set('@tsvirt/driver-lxc', { driver: main });
    provided.set('@tsvirt/secondary-storage', { driver: extra });
    const conn = await connect('lxc:///');
    expect((await conn.listAllSecrets()).map((s) => s.getUUIDString())).toEqual([uuid]);
    expect((await conn.listAllNWFilters()).map((f) => f.getName())).toEqual(['clean-traffic']);
    expect((await conn.listAllInterfaces()).map((i) => i.getName())).toEqual(['eth0']);
    expect((await conn.listAllDevices()).map((d) => d.getName())).toEqual(['computer']);
    await conn.close();
  });

  it('a URI with a transport goes to the remote driver, named when it is not installed', async () => {
    for (const uri of ['qemu+ssh://host/system', 'test+unix:///default', 'qemu+tcp://h/system', 'qemu+tls://h/system', 'lxc+ext:///']) {
      const e = await virErrorOf(connect(uri));
      expect([e.code, e.message], uri).toEqual([ErrorCode.NO_CONNECT, `no connection driver available for ${uri}: `
        + `the transport '${uri.split('+')[1]!.split(':')[0]}' needs the remote driver; install the package @tsvirt/remote to use it`]);
    }
    const remote = fakeDriver('Remote');
    provided.set('@tsvirt/remote', { driver: remote });
    const conn = await connect('qemu+unix:///system', { readonly: true });
    expect(await conn.getType()).toBe('REMOTE');
    expect(remote.opened[0]!.uri.transport).toBe('unix');
    expect(remote.opened[0]!.readonly).toBe(true);
    // A remote host of a local-only driver goes there too.
    provided.set('@tsvirt/driver-lxc', { driver: fakeDriver('Fake') });
    expect(await (await connect('lxc://elsewhere/')).getType()).toBe('REMOTE');
  });

  it('a driver answers only the schemes it lists', async () => {
    provided.set('@tsvirt/driver-qemu', { driver: fakeDriver('Fake') });
    const e = await virErrorOf(connect('qemu:///system'));
    expect(e.message).toBe('no connection driver available for qemu:///system: '
      + 'the package @tsvirt/driver-qemu does not provide qemu:// URIs (it provides lxc)');
  });

  it('uses LIBVIRT_DEFAULT_URI without a URI, and says so when there is none', async () => {
    const saved = process.env['LIBVIRT_DEFAULT_URI'];
    try {
      delete process.env['LIBVIRT_DEFAULT_URI'];
      const e = await virErrorOf(connect());
      expect([e.code, e.message]).toEqual([ErrorCode.NO_CONNECT, 'no connection driver available for the default URI: '
        + 'set LIBVIRT_DEFAULT_URI or name a URI such as test:///default']);
      provided.set('@tsvirt/driver-lxc', { driver: fakeDriver('Fake') });
      process.env['LIBVIRT_DEFAULT_URI'] = 'lxc:///';
      expect((await connect()).getURI()).toBe('lxc:///');
    } finally {
      if (saved === undefined) delete process.env['LIBVIRT_DEFAULT_URI'];
      else process.env['LIBVIRT_DEFAULT_URI'] = saved;
    }
  });
});
