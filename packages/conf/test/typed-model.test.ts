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

  it('read the smaller parts and devices typed, and write changes back in place', () => {
    const def = parseDomainXML(`<domain type='kvm'><name>t</name><memory>1024</memory><vcpu>2</vcpu>
      <iothreads>2</iothreads><iothreadids><iothread id='1' thread_pool_min='2' thread_pool_max='8'/></iothreadids>
      <blkiotune><weight>500</weight><device><path>/dev/sda</path><read_iops_sec>100</read_iops_sec></device></blkiotune>
      <os><type arch='x86_64'>hvm</type><loader readonly='yes' type='pflash'>/c.fd</loader>
        <nvram type='network'><source protocol='iscsi' name='iqn.x/0'><host name='h'/></source></nvram></os>
      <sysinfo type='smbios'><bios><entry name='vendor'>V</entry></bios><baseBoard><entry name='product'>P</entry></baseBoard></sysinfo>
      <seclabel type='static' model='selinux' relabel='yes'><label>l</label></seclabel>
      <perf><event name='cmt' enabled='yes'/></perf><pm><suspend-to-mem enabled='no'/></pm>
      <devices><hub type='usb'/><shmem name='s' role='peer'><model type='ivshmem-plain'/><size unit='M'>4</size><server/></shmem>
        <lease><lockspace>ls</lockspace><key>k</key><target path='/l' offset='1024'/></lease>
        <nvram><address type='spapr-vio' reg='0x3000'/></nvram><crypto model='virtio' type='qemu'><backend model='builtin' queues='2'/></crypto></devices>
    </domain>`);
    expect(domainPart(def, 'iothreads')?.count).toBe(2);
    expect(domainPart(def, 'iothreadids')?.iothreads).toEqual([{ id: 1, threadPoolMin: 2, threadPoolMax: 8 }]);
    expect(domainPart(def, 'blkiotune')?.devices).toEqual([{ path: '/dev/sda', readIopsSec: 100 }]);
    const os = domainPart(def, 'os')!;
    expect(os.loader).toEqual({ path: '/c.fd', readonly: true, type: 'pflash' });
    expect(os.nvram?.source?.hosts).toEqual([{ name: 'h' }]);
    expect(domainPart(def, 'sysinfo')?.baseBoards).toEqual([{ entries: [{ name: 'product', value: 'P' }] }]);
    expect(domainPart(def, 'seclabel')).toMatchObject({ type: 'static', relabel: true, label: 'l' });
    expect(domainPart(def, 'perf')?.events).toEqual([{ name: 'cmt', enabled: true }]);
    expect(domainPart(def, 'pm')).toMatchObject({ suspendToMem: false });
    const devices = def.devices.map(parseDevice);
    expect(devices.map((d) => d?.kind)).toEqual(['hub', 'shmem', 'lease', 'nvram', 'crypto']);
    expect(devices[1]).toMatchObject({ name: 's', model: 'ivshmem-plain', size: '4', sizeUnit: 'M', server: {} });
    expect(devices[2]).toMatchObject({ lockspace: 'ls', target: { path: '/l', offset: 1024 } });
    expect(devices[3]).toMatchObject({ address: { type: 'spapr-vio', reg: 0x3000 } });
    expect(devices[4]).toMatchObject({ backend: { model: 'builtin', queues: '2' } });
    const pm = withDomainPart(def, 'pm', { ...domainPart(def, 'pm'), suspendToDisk: true });
    expect(formatDomainXML(pm)).toContain("<pm>\n    <suspend-to-mem enabled='no'/>\n    <suspend-to-disk enabled='yes'/>\n  </pm>");
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
      // Some parts (seclabel, sysinfo) may appear more than once: each one is checked.
      for (const [kind, model] of Object.entries(DOMAIN_PART_MODELS)) {
        for (const el of childElements(root, kind)) {
          if (formatXml((model as typeof DOMAIN_PART_MODELS.cpu).format((model as typeof DOMAIN_PART_MODELS.cpu).parse(el))) !== formatXml(el)) bad.push(kind);
        }
      }
      results.push([f, bad.length ? `changed ${bad.join(', ')}` : undefined]);
    }
    expect(tally('typed round trip domain/out', results)).toBe(results.length);
    expect(Object.keys(DEVICE_MODELS)).toHaveLength(31);
  });
});
