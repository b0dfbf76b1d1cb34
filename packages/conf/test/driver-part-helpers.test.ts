import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  devicesOf, domainMetadata, formatDomainXML, nodeConfigEntries, replaceDevices, nodeConfigFacts, otherPart, parseDomainXML, parseXml, setDomainMetadata,
  setDomainPart, splitPoolVolumes, takeTestNamespace,
} from '../src/index.js';
import { CORPUS } from './corpus.js';

const domain = (inner: string): string =>
  `<domain type='test'><name>d</name><memory>1024</memory><os><type>hvm</type></os>${inner}<devices/></domain>`;

describe('setDomainPart', () => {
  it('writes a part over its element, keeping what the type does not cover', () => {
    const def = parseDomainXML(domain("<cputune><shares>7</shares><vcpupin vcpu='0' cpuset='1'/></cputune>"));
    setDomainPart(def, 'cputune', { ...otherPart(def, 'cputune'), vcpupins: [{ vcpu: 0, cpuset: '1' }, { vcpu: 1, cpuset: '2-3' }] });
    expect(formatDomainXML(def)).toContain("<cputune>\n    <shares>7</shares>\n    <vcpupin vcpu='0' cpuset='1'/>\n    <vcpupin vcpu='1' cpuset='2-3'/>\n  </cputune>");
  });

  it('removes a part left empty, as libvirt prints none, but keeps one written empty', () => {
    const def = parseDomainXML(domain("<cputune><vcpupin vcpu='0' cpuset='1'/></cputune><pm/>"));
    setDomainPart(def, 'cputune', { ...otherPart(def, 'cputune'), vcpupins: undefined });
    setDomainPart(def, 'pm', otherPart(def, 'pm'));
    expect(otherPart(def, 'cputune')).toBeUndefined();
    expect(formatDomainXML(def)).toContain('<pm/>');
  });

  it('adds a missing part in its place and gives memtune limits in KiB, as the parser keeps them', () => {
    const def = parseDomainXML(domain(''));
    setDomainPart(def, 'memtune', { hardLimit: 2048 });
    expect(formatDomainXML(def)).toContain("<memtune>\n    <hard_limit unit='KiB'>2048</hard_limit>\n  </memtune>");
  });
});

describe('domain metadata', () => {
  it('sets, reads and removes the element of one namespace as libvirt does', () => {
    const def = parseDomainXML(domain(''));
    setDomainMetadata(def, 'http://example.org/a', 'a', '<info x="1"><sub/></info>');
    expect(formatDomainXML(def)).toContain("<metadata>\n    <a:info xmlns:a=\"http://example.org/a\" x=\"1\">\n      <a:sub/>\n    </a:info>\n  </metadata>");
    expect(domainMetadata(def, 'http://example.org/a')).toBe('<info x="1">\n  <sub/>\n</info>');
    expect(domainMetadata(def, 'http://example.org/b')).toBeUndefined();
    setDomainMetadata(def, 'http://example.org/a', undefined, undefined);
    expect(formatDomainXML(def)).toContain('<metadata/>');
  });

  it('refuses XML that declares the key itself', () => {
    const def = parseDomainXML(domain(''));
    expect(() => setDomainMetadata(def, 'http://example.org/a', 'a', "<i xmlns:a='urn:x'/>")).toThrow('failed to create a new XML namespace');
  });
});

describe("the test driver's config", () => {
  it("lists libvirt's testnode.xml objects, its facts as written and a pool's volumes", () => {
    const node = parseXml(readFileSync(join(CORPUS, 'test-driver/testnode.xml'), 'utf8'));
    expect(nodeConfigEntries(node, 'domain')).toEqual([{ file: 'testdomfv0.xml' }, { file: 'testdomfc4.xml' }, { file: 'testdomfc5.xml' }]);
    expect(nodeConfigEntries(node, 'device')).toEqual([{ file: 'testdev.xml' }]);
    expect(nodeConfigFacts(node)).toEqual({
      cpu: { mhz: '6000', model: 'i986', active: '50', nodes: '4', sockets: '4', cores: '4', threads: '2' }, memory: '8192000',
    });
    const { pool, volumes } = splitPoolVolumes("<pool type='dir'><name>p</name><volume file='v.xml'/><volume><name>w</name></volume></pool>");
    expect(pool).not.toContain('volume');
    expect(volumes).toEqual([{ file: 'v.xml' }, { xml: '<volume>\n  <name>w</name>\n</volume>\n' }]);
  });

  it("takes a domain's test: elements out of it", () => {
    const def = parseDomainXML(`<domain type='test' xmlns:t='http://libvirt.org/schemas/domain/test/1.0'><name>d</name><memory>1024</memory>
      <os><type>hvm</type></os><t:runstate> 3 </t:runstate><t:transient/><devices/></domain>`);
    const ns = takeTestNamespace(def);
    expect(ns).toMatchObject({ runstate: '3', transient: true, hasManagedSave: false, snapshots: [] });
    expect(formatDomainXML(def)).not.toContain('t:');
  });
});

describe('replaceDevices', () => {
  it('replaces many devices in one pass and refuses one of another definition', () => {
    const def = parseDomainXML(domain('').replace('<devices/>', "<devices><interface type='network'><source network='a'/></interface><disk type='file' device='disk'><target dev='vda'/></disk><interface type='network'><source network='b'/></interface></devices>"));
    const [a, b] = devicesOf(def, 'interface');
    const out = replaceDevices(def, [[a!, { ...a!, target: { dev: 'n0' } }], [b!, { ...b!, target: { dev: 'n1' } }]]);
    expect(devicesOf(out, 'interface').map((i) => i.target?.dev)).toEqual(['n0', 'n1']);
    expect(devicesOf(def, 'interface').map((i) => i.target?.dev)).toEqual([undefined, undefined]);
    expect(out.devices[1]).toBe(def.devices[1]);
    const other = parseDomainXML(domain(''));
    expect(() => replaceDevices(other, [[a!, a!]])).toThrow("device is not part of domain 'd'");
  });
});
