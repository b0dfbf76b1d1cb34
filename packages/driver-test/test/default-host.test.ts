import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { DomainState, DomainXMLFlags, ErrorCode, ErrorDomain, connect } from '@tsvirt/api';
import { defaultConn, virErrorOf } from './helpers.js';

const fixture = (name: string): string => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

/** `virsh dumpxml` prints the XML and then a newline of its own. */
function virshDumpxml(...args: string[]): string | undefined {
  if (!existsSync('/usr/bin/virsh')) return undefined;
  return execFileSync('/usr/bin/virsh', ['-c', 'test:///default', 'dumpxml', ...args, 'test'], { encoding: 'utf8' }).replace(/\n$/, '');
}

describe('test:///default', () => {
  it('starts with the domain `test`: id 1, running, persistent', async () => {
    const conn = await defaultConn();
    const dom = await conn.lookupByName('test');
    expect(dom.getID()).toBe(1);
    expect(dom.getUUIDString()).toBe('6695eb01-f6a4-8304-79aa-97f2502e193f');
    // python3-libvirt 9.0: state() == [1, 0] (running, unknown reason).
    expect(await dom.getState()).toEqual([DomainState.RUNNING, 0]);
    expect(await dom.isActive()).toBe(true);
    expect(await dom.isPersistent()).toBe(true);
    expect(await dom.getAutostart()).toBe(false);
    expect(await dom.getOSType()).toBe('linux');
    expect(await dom.hasManagedSaveImage()).toBe(false);
    expect((await conn.lookupByID(1)).getName()).toBe('test');
    const info = await dom.getInfo();
    expect([info.state, info.maxMem, info.memory, info.nrVirtCpu]).toEqual([DomainState.RUNNING, 8388608, 2097152, 2]);
    expect(await dom.getSecurityLabel()).toEqual({ label: 'libvirt-test', enforcing: true });
  });

  it("its XML is byte-identical to libvirt's (virsh dumpxml test)", async () => {
    const dom = await (await defaultConn()).lookupByName('test');
    const live = await dom.getXMLDesc();
    const inactive = await dom.getXMLDesc(DomainXMLFlags.INACTIVE);
    expect(live).toBe(fixture('default-test.xml'));
    expect(inactive).toBe(fixture('default-test-inactive.xml'));
    // Keep the fixtures honest where Debian's virsh is installed.
    const virsh = virshDumpxml();
    if (virsh !== undefined) {
      expect(live).toBe(virsh);
      expect(inactive).toBe(virshDumpxml('--inactive'));
    }
  });

  it('is one host per process, shared by every connection', async () => {
    const a = await connect('test:///default');
    const b = await connect('test:///default');
    const name = `dt-shared-${process.pid}`;
    await a.defineXML(`<domain type='test'><name>${name}</name><memory>1024</memory><os><type>hvm</type></os></domain>`);
    const seen = await b.lookupByName(name);
    expect(seen.getName()).toBe(name);
    await seen.undefine();
    expect((await virErrorOf(a.lookupByName(name))).code).toBe(ErrorCode.NO_DOMAIN);
  });

  it("reports the test driver's host facts", async () => {
    const conn = await defaultConn();
    expect(await conn.getType()).toBe('TEST');
    expect(await conn.getVersion()).toBe(2);
    expect(await conn.getLibVersion()).toBe(9_000_000);
    expect(await conn.getHostname()).toBe(hostname());
    expect(conn.getURI()).toBe('test:///default');
    // virsh nodeinfo on test:///default.
    expect(await conn.nodeGetInfo()).toEqual({
      model: 'i686', memory: 3145728n, cpus: 16, mhz: 1400, nodes: 2, sockets: 2, cores: 2, threads: 2,
    });
    expect(await conn.getSecurityModel()).toEqual({ model: 'testSecurity', doi: '' });
  });

  it('refuses a bare test:/// and a remote host', async () => {
    const bare = await virErrorOf(connect('test:///'));
    expect([bare.code, bare.domain]).toEqual([ErrorCode.INVALID_ARG, ErrorDomain.TEST]);
    expect(bare.message).toBe('invalid argument: testOpen: supply a path or use test:///default');
    const remote = await virErrorOf(connect('test://somehost/default'));
    expect(remote.code).toBe(ErrorCode.NO_CONNECT);
  });

  it('a missing config file is an XML error, as in libvirt', async () => {
    const e = await virErrorOf(connect('test:///nonexistent-tsvirt.xml'));
    expect([e.code, e.domain]).toEqual([ErrorCode.XML_ERROR, ErrorDomain.TEST]);
    expect(e.message).toBe("XML error: failed to parse xml document '/nonexistent-tsvirt.xml'");
  });

  it('refuses unknown flags with virCheckFlags\' message', async () => {
    const e = await virErrorOf((await defaultConn()).listAllDomains(1 << 20));
    expect([e.code, e.domain]).toEqual([ErrorCode.INVALID_ARG, ErrorDomain.TEST]);
    expect(e.message).toBe('unsupported flags (0x100000) in function testConnectListAllDomains');
  });

  it('a read-only connection refuses changes but reads, including XML without SECURE', async () => {
    const ro = await connect('test:///default', { readonly: true });
    const dom = await ro.lookupByName('test');
    const destroy = await virErrorOf(dom.destroy());
    expect(destroy.code).toBe(ErrorCode.OPERATION_DENIED);
    expect(destroy.message).toBe('operation forbidden: read only access prevents virDomainDestroy');
    const secure = await virErrorOf(dom.getXMLDesc(DomainXMLFlags.SECURE));
    expect(secure.message).toBe('operation forbidden: virDomainGetXMLDesc with secure flag');
    expect(await dom.getXMLDesc()).toBe(fixture('default-test.xml'));
    expect(await dom.isActive()).toBe(true);
  });
});
