import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, DomainEventType, ErrorCode, ErrorDomain, type Connection } from '@tsvirt/api';
import { virErrorOf } from '@tsvirt/api/testing';
import { startLibvirtd, type PrivateLibvirtd } from '../src/testing.js';
import { daemonSuite } from './helpers/daemon-suite.js';

const suite = daemonSuite('client tests');

const domXML = (name: string) =>
  `<domain type='test'><name>${name}</name><memory>8192</memory><os><type>hvm</type></os></domain>`;

suite('the remote driver against a private libvirtd', () => {
  let daemon: PrivateLibvirtd;
  let conn: Connection;
  beforeAll(async () => {
    daemon = await startLibvirtd();
    conn = await connect(daemon.uri);
  });
  afterAll(async () => {
    await conn?.close();
    await daemon?.stop();
  });

  it('reaches the daemon, not the in-process test driver', async () => {
    expect(await conn.getType()).toBe('TEST');
    expect(conn.getURI()).toBe(daemon.uri);
    // a domain defined through one connection is seen by a second one: one daemon state
    const other = await connect(daemon.uri);
    const dom = await conn.defineXML(domXML('seen-twice'));
    expect((await other.lookupByName('seen-twice')).getName()).toBe('seen-twice');
    await dom.undefine();
    await other.close();
  });

  it('define, look up, dump and undefine', async () => {
    const dom = await conn.defineXML(domXML('loop1'));
    const again = await conn.lookupByUUIDString(dom.getUUIDString());
    expect(again.getName()).toBe('loop1');
    expect(await again.getXMLDesc()).toContain('<name>loop1</name>');
    expect(await again.isPersistent()).toBe(true);
    expect(await again.isActive()).toBe(false);
    await again.undefine();
    const e = await virErrorOf(conn.lookupByName('loop1'));
    expect([e.code, e.domain, e.message]).toEqual([ErrorCode.NO_DOMAIN, ErrorDomain.TEST, 'Domain not found']);
  });

  it('calls in flight together are matched to their replies by serial', async () => {
    const names = Array.from({ length: 40 }, (_, i) => `para${i}`);
    const doms = await Promise.all(names.map((n) => conn.defineXML(domXML(n))));
    const xml = await Promise.all(doms.map((d) => d.getXMLDesc()));
    xml.forEach((x, i) => expect(x).toContain(`<name>${names[i]}</name>`));
    await Promise.all(doms.map((d) => d.undefine()));
  });

  it('typed parameters, node info and lists', async () => {
    const dom = await conn.lookupByName('test');
    const params = await dom.schedulerParameters();
    expect(params).toEqual([{ field: 'weight', type: 2, value: 50 }]);
    const info = await conn.nodeGetInfo();
    expect(info.model).toBe('i686');
    expect((await conn.listAllDomains()).map((d) => d.getName())).toContain('test');
    expect((await conn.listAllStoragePools()).map((p) => p.getName())).toContain('default-pool');
    expect((await conn.listAllNetworks()).map((n) => n.getName())).toContain('default');
  });

  it('domain lifecycle events arrive as the async iterable, in order', async () => {
    const ac = new AbortController();
    const events = conn.domainEvents({ signal: ac.signal });
    const seen: [string, number][] = [];
    const reading = (async () => {
      for await (const e of events) {
        seen.push([e.domain.getName(), e.event]);
        if (seen.length === 4) break;
      }
    })();
    await new Promise((r) => setTimeout(r, 100));
    const dom = await conn.defineXML(domXML('evented'));
    await dom.create();
    await dom.destroy();
    await dom.undefine();
    await reading;
    ac.abort();
    expect(seen).toEqual([
      ['evented', DomainEventType.DEFINED],
      ['evented', DomainEventType.STARTED],
      ['evented', DomainEventType.STOPPED],
      ['evented', DomainEventType.UNDEFINED],
    ]);
  });

  it('a read-only connection is refused a change by the daemon too', async () => {
    const ro = await connect(daemon.uri, { readonly: true });
    expect((await ro.lookupByName('test')).getName()).toBe('test');
    expect((await virErrorOf(ro.defineXML(domXML('nope')))).code).toBe(ErrorCode.OPERATION_DENIED);
    await ro.close();
  });

  it('a call over libvirt\'s limits (a string over 4 MiB, one over the message\'s 32 MiB) fails before it goes out, as python3-libvirt\'s', async () => {
    const sizes = [4 * 1024 * 1024 + 1, 40 * 1024 * 1024];
    const py = spawnSync('/usr/bin/python3', ['-c', `import json, sys, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
c = libvirt.open(sys.argv[1])
out = []
for n in ${JSON.stringify(sizes)}:
    try:
        c.defineXML('x' * n)
    except libvirt.libvirtError as e:
        out.append([e.get_error_code(), e.get_error_domain(), str(e)])
out.append(c.getHostname())
print(json.dumps(out))`, daemon.uri], { encoding: 'utf8', timeout: 60_000 });
    expect(py.status, py.stderr).toBe(0);
    const ours: unknown[] = [];
    for (const n of sizes) {
      const e = await virErrorOf(conn.defineXML('x'.repeat(n)));
      ours.push([e.code, e.domain, e.message]);
    }
    ours.push(await conn.getHostname());
    expect(ours).toEqual(JSON.parse(py.stdout));
    expect(ours[0]).toEqual([ErrorCode.RPC, ErrorDomain.RPC, 'Unable to encode message payload']);
  });

  it('auth= names a type the daemon must offer, in python3-libvirt\'s words (this daemon offers none)', async () => {
    const asked = ['foo', 'none', 'polkit', 'sasl', 'SASL.PLAIN', 'Polkit'];
    const py = spawnSync('/usr/bin/python3', ['-c', `import json, sys, libvirt
libvirt.registerErrorHandler(lambda *a: None, None)
out = []
for q in sys.argv[2:]:
    try:
        libvirt.open(sys.argv[1] + '&auth=' + q).close()
        out.append('ok')
    except libvirt.libvirtError as e:
        out.append([e.get_error_code(), e.get_error_domain(), str(e)])
print(json.dumps(out))`, daemon.uri, ...asked], { encoding: 'utf8', timeout: 60_000 });
    expect(py.status, py.stderr).toBe(0);
    const ours = await Promise.all(asked.map(async (q) => {
      const e = await virErrorOf(connect(`${daemon.uri}&auth=${q}`));
      return [e.code, e.domain, e.message];
    }));
    expect(ours).toEqual(JSON.parse(py.stdout));
    expect(ours[0]).toEqual([ErrorCode.AUTH_FAILED, ErrorDomain.REMOTE, 'authentication failed: unknown authentication type foo']);
  });

  it('a socket nobody listens on is libvirt\'s connect error', async () => {
    const e = await virErrorOf(connect(`test+unix:///default?socket=${daemon.dir}/nosuch`));
    expect([e.code, e.domain, e.message]).toEqual([
      ErrorCode.SYSTEM_ERROR,
      ErrorDomain.RPC,
      `Failed to connect socket to '${daemon.dir}/nosuch': No such file or directory`,
    ]);
  });
});
