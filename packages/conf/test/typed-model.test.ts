import { describe, expect, it } from 'vitest';
import {
  childElements, deviceElement, DEVICE_MODELS, DOMAIN_PART_MODELS, domainPart, firstChild, formatXml, parseDevice,
  parseDomainXML, parseXml, withDomainPart, formatDomainXML, type DomainDevice,
} from '../src/index.js';
import { read, tally, xmlFiles } from './corpus.js';

const DOMAIN = `<domain type='kvm'>
  <name>t</name>
  <memory>1024</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <cpu mode='custom'><model fallback='forbid'>Haswell</model><topology sockets='1' cores='2' threads='1'/><feature policy='require' name='vmx'/></cpu>
  <devices>
    <disk type='network' device='disk' rawio='no' x:unknown='kept' xmlns:x='urn:x'>
      <driver name='qemu' type='raw' cache='none'/>
      <source protocol='rbd' name='pool/image'>
        <host name='mon1' port='6789'/>
        <host name='mon2'/>
        <auth username='admin'><secret type='ceph' usage='client.admin'/></auth>
      </source>
      <target dev='vda' bus='virtio'/>
      <readonly/>
      <serial>ABC</serial>
      <boot order='2'/>
      <address type='pci' domain='0x0000' bus='0x00' slot='0x05' function='0x0'/>
      <future-element/>
    </disk>
  </devices>
</domain>`;

describe('typed models', { timeout: 120_000 }, () => {
  it('read a disk with every part typed', () => {
    const def = parseDomainXML(DOMAIN);
    const disk = parseDevice(def.devices[0]!) as Extract<DomainDevice, { kind: 'disk' }>;
    expect(disk.kind).toBe('disk');
    expect(disk.type).toBe('network');
    expect(disk.rawio).toBe(false);
    expect(disk.driver).toEqual({ name: 'qemu', type: 'raw', cache: 'none' });
    expect(disk.source?.protocol).toBe('rbd');
    expect(disk.source?.hosts).toEqual([{ name: 'mon1', port: '6789' }, { name: 'mon2' }]);
    expect(disk.source?.auth?.secret?.usage).toBe('client.admin');
    expect(disk.target).toEqual({ dev: 'vda', bus: 'virtio' });
    expect(disk.readonly).toBe(true);
    expect(disk.serial).toBe('ABC');
    expect(disk.bootOrder).toBe(2);
    expect(disk.address?.slot).toBe(5);
  });

  it('write changes back in place and keep what they do not cover', () => {
    const def = parseDomainXML(DOMAIN);
    const disk = parseDevice(def.devices[0]!) as Extract<DomainDevice, { kind: 'disk' }>;
    const changed = deviceElement({
      ...disk, readonly: false, bootOrder: undefined, target: { ...disk.target, bus: 'scsi' },
      source: { ...disk.source, hosts: [{ name: 'mon3' }] }, shareable: true,
    });
    const out = formatXml(changed);
    expect(out).toContain("<target dev='vda' bus='scsi'/>");
    expect(out).toContain("<host name='mon3'/>");
    expect(out).not.toContain('mon2');
    expect(out).not.toContain('<readonly/>');
    expect(out).not.toContain('<boot');
    expect(out).toContain('<shareable/>');
    expect(out).toContain("x:unknown='kept'");
    expect(out).toContain('<future-element/>');
    expect(firstChild(changed, 'source')!.attrs).toEqual([['protocol', 'rbd'], ['name', 'pool/image']]);
  });

  it('replace a top-level part', () => {
    const def = parseDomainXML(DOMAIN);
    const cpu = domainPart(def, 'cpu')!;
    expect(cpu.model).toEqual({ name: 'Haswell', fallback: 'forbid' });
    expect(cpu.topology).toEqual({ sockets: 1, cores: 2, threads: 1 });
    const next = withDomainPart(def, 'cpu', { ...cpu, topology: { ...cpu.topology, cores: 4 }, features: [] });
    const xml = formatDomainXML(next);
    expect(xml).toContain("<topology sockets='1' cores='4' threads='1'/>");
    expect(xml).not.toContain('vmx');
    expect(domainPart(next, 'os')?.arch).toBe('x86_64');
  });

  it('format back to the very element they were read from, for every device and part of libvirt\'s outputs', () => {
    const results: Array<[string, string | undefined]> = [];
    for (const f of xmlFiles('domain/out')) {
      const root = parseXml(read('domain/out', f));
      const devices = firstChild(root, 'devices');
      const bad: string[] = [];
      for (const el of devices ? childElements(devices) : []) {
        const dev = parseDevice(el);
        if (dev && formatXml(deviceElement(dev)) !== formatXml(el)) bad.push(el.name);
      }
      for (const [kind, model] of Object.entries(DOMAIN_PART_MODELS)) {
        const el = firstChild(root, kind);
        if (el && formatXml((model as typeof DOMAIN_PART_MODELS.cpu).format((model as typeof DOMAIN_PART_MODELS.cpu).parse(el))) !== formatXml(el)) bad.push(kind);
      }
      results.push([f, bad.length ? `changed ${bad.join(', ')}` : undefined]);
    }
    expect(tally('typed round trip domain/out', results)).toBe(results.length);
    expect(Object.keys(DEVICE_MODELS)).toHaveLength(25);
  });
});
