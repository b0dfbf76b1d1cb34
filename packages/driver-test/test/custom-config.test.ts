import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DomainState, ErrorCode, ErrorDomain, connect } from '@tsvirt/api';
import { TESTNODE_XML, virErrorOf } from './helpers.js';

const uri = `test://${TESTNODE_XML}`;
const tmp = mkdtempSync(join(tmpdir(), 'tsvirt-testnode-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('test:///ABSPATH with libvirt\'s testnode.xml', () => {
  it('loads the domains of the config, running, with ids in file order', async () => {
    const conn = await connect(uri);
    const doms = await conn.listAllDomains();
    expect(doms.map((d) => [d.getName(), d.getID()]).sort()).toEqual([['fc4', 2], ['fc5', 3], ['fv0', 1]]);
    for (const d of doms) {
      // python3-libvirt 9.0: state() == [1, 0] for each.
      expect(await d.getState(), d.getName()).toEqual([DomainState.RUNNING, 0]);
      expect(await d.isPersistent()).toBe(true);
    }
    // The files spell UUIDs without dashes and in capitals; libvirt prints them canonical.
    expect((await conn.lookupByName('fc4')).getUUIDString()).toBe('ef861801-45b9-11cb-88e3-afbfe5370493');
    expect((await conn.lookupByName('fv0')).getUUIDString()).toBe('4dea22b3-1d52-d8f3-2516-782e98ab3fa0');
    expect((await conn.lookupByUUIDString('08721f99-3d1d-4aec-96eb-97803297bb36')).getName()).toBe('fc5');
  });

  it('its domains have the memory and vcpus of their files', async () => {
    const conn = await connect(uri);
    const info = async (name: string) => {
      const i = await (await conn.lookupByName(name)).getInfo();
      return [i.maxMem, i.memory, i.nrVirtCpu];
    };
    // python3-libvirt 9.0: info()[1:4].
    expect(await info('fv0')).toEqual([524288, 524288, 4]);
    expect(await info('fc4')).toEqual([261072, 131072, 1]);
    expect(await info('fc5')).toEqual([2097152, 2097152, 4]);
  });

  it('nodeinfo comes from its <cpu> and <memory>', async () => {
    const conn = await connect(uri);
    expect(await conn.nodeGetInfo()).toEqual({
      model: 'i986', memory: 8192000n, cpus: 50, mhz: 6000, nodes: 4, sockets: 4, cores: 4, threads: 2,
    });
  });

  it('each connection to a config file gets a host of its own', async () => {
    const a = await connect(uri);
    const b = await connect(uri);
    await (await a.lookupByName('fv0')).destroy();
    expect(await (await a.lookupByName('fv0')).isActive()).toBe(false);
    expect(await (await b.lookupByName('fv0')).isActive()).toBe(true);
  });

  it('honours test:runstate and defaults the node facts it lacks', async () => {
    const dir = join(tmp, 'runstate');
    const src = dirname(TESTNODE_XML);
    mkdirSync(dir);
    copyFileSync(join(src, 'testdomfc4.xml'), join(dir, 'fc4.xml'));
    writeFileSync(join(dir, 'node.xml'), `<node xmlns:test='http://libvirt.org/schemas/domain/test/1.0'>
  <domain file='fc4.xml'/>
  <domain type='test'>
    <name>off</name>
    <memory>1024</memory>
    <os><type>hvm</type></os>
    <test:runstate>5</test:runstate>
  </domain>
  <domain type='test'>
    <name>held</name>
    <memory>1024</memory>
    <os><type>hvm</type></os>
    <test:runstate>3</test:runstate>
  </domain>
</node>
`);
    expect(readdirSync(dir).sort()).toEqual(['fc4.xml', 'node.xml']);
    const conn = await connect(`test://${join(dir, 'node.xml')}`);
    const states = Object.fromEntries(await Promise.all((await conn.listAllDomains()).map(async (d) => [d.getName(), (await d.getState())[0]])));
    // python3-libvirt 9.0: off -1 [5, 0], fc4 1 [1, 0], held 2 [3, 0].
    expect(states).toEqual({ fc4: DomainState.RUNNING, off: DomainState.SHUTOFF, held: DomainState.PAUSED });
    expect((await conn.lookupByName('off')).getID()).toBe(-1);
    expect((await conn.lookupByName('fc4')).getID()).toBe(1);
    expect((await conn.lookupByName('held')).getID()).toBe(2);
    expect(await (await conn.lookupByName('held')).getState()).toEqual([DomainState.PAUSED, 0]);
    expect(await conn.nodeGetInfo()).toEqual({
      model: 'i686', memory: 3145728n, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2,
    });
  });

  it('a config whose root is not <node> is refused', async () => {
    const path = join(tmp, 'not-node.xml');
    writeFileSync(path, '<domain/>');
    const e = await virErrorOf(connect(`test://${path}`));
    // python3-libvirt 9.0 gives the same code, domain and message.
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.XML_ERROR, ErrorDomain.XML,
      "XML error: expecting root element of 'node', not 'domain'"]);
  });
});
