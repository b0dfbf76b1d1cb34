import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Connection, DomainEventType, VirError, connect } from '@tsvirt/api';
import { parseURI } from '@tsvirt/util';
import { driver } from '../src/index.js';
import { TestRoot, containerXML } from './helpers.js';

const ctx = (uri: string) => ({ uri: parseURI(uri), readonly: false, connect: () => Promise.reject(new Error('unused')) });
const CORPUS = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'libvirt-tests', 'domain-lxc');

async function errorOf(p: Promise<unknown>): Promise<VirError> {
  const e = await p.then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(VirError);
  return e as VirError;
}

describe('driver-lxc: URIs', () => {
  it('declines URIs of other schemes and refuses unknown LXC paths in libvirt words', async () => {
    expect(await driver.open(ctx('test:///default'))).toBe('declined');
    const e = await errorOf(driver.open(ctx('lxc:///session')));
    expect(e.message).toBe("internal error: Unexpected LXC URI path '/session', try lxc:///system");
    expect((await errorOf(driver.open(ctx('lxc:///embed')))).message).toBe("invalid argument: Missing URI parameter 'root'");
    expect((await errorOf(driver.open(ctx('lxc:///embed?root=rel')))).message).toBe('unsupported configuration: root path must be absolute');
  });
  it('answers lxc:///system, lxc:/// and lxc:// with the URI as written (python3-libvirt 9.0: getURI)', async () => {
    for (const [u, shown] of [['lxc:///', 'lxc:///'], ['lxc:///system', 'lxc:///system'], ['lxc:', 'lxc://']]) {
      const c = await connect(u);
      expect(await c.getURI()).toBe(shown);
      expect(await c.getType()).toBe('LXC');
      await c.close();
    }
  });
});

describe("libvirt's lxcxml2xml corpus through define and dumpxml", () => {
  const root = new TestRoot();
  afterAll(() => root.cleanup());
  const cases = existsSync(join(CORPUS, 'in')) ? readdirSync(join(CORPUS, 'in')).filter((f) => f.endsWith('.xml')).sort() : [];

  it('has the corpus (13 cases)', () => expect(cases.length).toBe(13));
  for (const file of cases) {
    it(file, async () => {
      const c = await root.open();
      const input = readFileSync(join(CORPUS, 'in', file), 'utf8');
      const outFile = join(CORPUS, 'out', file);
      const expected = readFileSync(existsSync(outFile) ? outFile : join(CORPUS, 'in', file), 'utf8');
      const d = await c.defineXML(input);
      expect(await d.getXMLDesc(2)).toBe(expected);
      await d.undefine();
    });
  }
});

describe('define, list, undefine', () => {
  const root = new TestRoot();
  afterAll(() => root.cleanup());
  const xml = (name: string) => containerXML(name, '/nonexistent', 'true');

  it('refuses names that could leave the root, as libvirt does', async () => {
    const c = await root.open();
    expect((await errorOf(c.defineXML(xml('a/b')))).message).toBe("XML error: name a/b cannot contain '/'");
    expect((await errorOf(c.defineXML(xml('..')))).message).toBe("XML error: name .. cannot be '.' or '..'");
    expect((await errorOf(c.defineXML(xml('a&#10;b')))).message).toBe('invalid char in name: \n');
    expect(root.stateFiles().filter((f) => f.endsWith('.json'))).toEqual([]);
  });

  it('refuses what no container can be made of, in libvirt words', async () => {
    const c = await root.open();
    const base = xml('x');
    expect((await errorOf(c.defineXML(base.replace("type='lxc'", "type='kvm'")))).message)
      .toBe('invalid argument: could not find capabilities for ostype=exe arch=x86_64 domaintype=kvm ');
    expect((await errorOf(c.defineXML(base.replace('>exe<', '>hvm<')))).message)
      .toBe('invalid argument: could not find capabilities for arch=x86_64 domaintype=lxc ');
    expect((await errorOf(c.defineXML(base.replace(/<init>.*<\/initarg>/, '')))).message).toBe('XML error: init binary must be specified');
    const idmap = (m: string) => base.replace('</os>', `</os><idmap>${m}</idmap>`);
    expect((await errorOf(c.defineXML(idmap("<uid start='0' target='1000' count='10'/>")))).message)
      .toBe('unsupported configuration: uid and gid should be mapped both');
    expect((await errorOf(c.defineXML(idmap("<uid start='1' target='1000' count='10'/><gid start='0' target='1000' count='10'/>")))).message)
      .toBe('unsupported configuration: You must map the root user of container');
  });

  it('fills in what libvirt fills in: emulator, console target, MAC addresses', async () => {
    const c = await root.open();
    const d = await c.defineXML(xml('defaults').replace('<console', "<interface type='ethernet'/><console"));
    const out = await d.getXMLDesc(0);
    expect(out).toContain('<emulator>/usr/lib/libvirt/libvirt_lxc</emulator>');
    expect(out).toContain("<target type='lxc' port='0'/>");
    expect(out).toMatch(/<interface type='ethernet'>\n {6}<mac address='52:54:00(:[0-9a-f]{2}){3}'\/>/);
    expect(out.indexOf('<interface')).toBeLessThan(out.indexOf('<console'));
    await d.undefine();
  });

  it('lists, looks up, raises events, keeps state across connections and undefines', async () => {
    const c = await root.open();
    const events: number[] = [];
    const ac = new AbortController();
    const stream = (async () => {
      for await (const e of c.domainEvents({ signal: ac.signal })) events.push(e.event);
    })();
    const d = await c.defineXML(xml('one'));
    await c.defineXML(xml('one').replace('<name>one</name>', `<name>one</name><uuid>${d.getUUIDString()}</uuid>`).replace('65536', '32768'));
    expect((await c.listAllDomains()).map((x) => x.getName())).toEqual(['one']);
    expect((await errorOf(c.defineXML(xml('two').replace('<name>two</name>', `<name>two</name><uuid>${d.getUUIDString()}</uuid>`)))).message)
      .toBe(`operation failed: domain 'one' is already defined with uuid ${d.getUUIDString()}`);
    const other = new Connection((await driver.open(ctx(root.uri))) as never, root.uri, false);
    expect((await other.lookupByName('one')).getUUIDString()).toBe(d.getUUIDString());
    expect(await (await other.lookupByName('one')).getAutostart()).toBe(false);
    await d.setAutostart(true);
    expect((await c.listAllDomains(1024)).map((x) => x.getName())).toEqual(['one']);
    await d.undefine();
    expect(await c.listAllDomains()).toEqual([]);
    expect((await errorOf(c.lookupByName('one'))).message).toBe("Domain not found: no domain with matching name 'one'");
    ac.abort();
    await stream;
    expect(events).toEqual([DomainEventType.DEFINED, DomainEventType.DEFINED, DomainEventType.UNDEFINED]);
  });
});
