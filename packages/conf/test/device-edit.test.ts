import { describe, expect, it } from 'vitest';
import {
  addDevice, devicesOf, domainDevices, editDevice, findDevice, formatDomainXML, formatNetworkXML, formatStoragePoolXML,
  formatStorageVolXML, NETWORK_PART_MODELS, networkPart, networkParts, newDevice, parseDomainXML, parseNetworkXML,
  parseStoragePoolXML, parseStorageVolXML, poolPart, POOL_PART_MODELS, removeDevice, replaceDevice, volumePart,
  VOLUME_PART_MODELS, withNetworkParts, withPoolPart, withVolumePart, type NetworkPartKind, type PoolPartKind,
  type VolumePartKind,
} from '../src/index.js';
import { read, xmlFiles } from './corpus.js';

const DOMAIN = `<domain type='kvm'>
  <name>t</name>
  <memory>1024</memory>
  <os><type arch='x86_64'>hvm</type></os>
  <devices>
    <disk type='file' device='disk'>
      <driver name='qemu' type='qcow2'/>
      <source file='/var/lib/a.qcow2'/>
      <target dev='vda' bus='virtio'/>
      <future-element x='1'/>
    </disk>
    <disk type='file' device='cdrom'>
      <source file='/iso/b.iso'/>
      <target dev='hdc' bus='ide'/>
      <readonly/>
    </disk>
    <interface type='network'>
      <source network='default'/>
      <mac address='52:54:00:00:00:01'/>
    </interface>
  </devices>
</domain>`;

describe('typed devices and one set of edit helpers', { timeout: 120_000 }, () => {
  it('reads every device typed, by kind or by a match', () => {
    const def = parseDomainXML(DOMAIN);
    expect(domainDevices(def).map((d) => d.kind)).toEqual(['disk', 'disk', 'interface']);
    expect(devicesOf(def, 'disk').map((d) => d.target?.dev)).toEqual(['vda', 'hdc']);
    expect(findDevice(def, 'disk', (d) => d.device === 'cdrom')?.source?.file).toBe('/iso/b.iso');
    expect(findDevice(def, 'disk', (d) => d.target?.dev === 'sdz')).toBeUndefined();
  });

  it('edits a field, keeping what the type does not cover in place', () => {
    const def = parseDomainXML(DOMAIN);
    const vda = findDevice(def, 'disk', (d) => d.target?.dev === 'vda')!;
    const out = editDevice(def, vda, (d) => {
      d.driver = { ...d.driver, cache: 'none' };
      d.source = { ...d.source, file: '/var/lib/c.qcow2' };
    });
    const xml = formatDomainXML(out);
    expect(xml).toContain(`<driver name='qemu' type='qcow2' cache='none'/>`);
    expect(xml).toContain(`<source file='/var/lib/c.qcow2'/>`);
    expect(xml).toContain(`<future-element x='1'/>`);
    // The original is untouched.
    expect(formatDomainXML(def)).toContain(`<source file='/var/lib/a.qcow2'/>`);
  });

  it('adds after the last device of the kind, removes and replaces', () => {
    const def = parseDomainXML(DOMAIN);
    const added = addDevice(def, newDevice('disk', { type: 'file', device: 'disk', source: { file: '/x.img' }, target: { dev: 'vdb', bus: 'virtio' } }));
    expect(added.devices.map((e) => e.name)).toEqual(['disk', 'disk', 'disk', 'interface']);
    expect(devicesOf(added, 'disk').map((d) => d.target?.dev)).toEqual(['vda', 'hdc', 'vdb']);
    const withRng = addDevice(def, newDevice('rng', { model: 'virtio' }));
    expect(withRng.devices.map((e) => e.name)).toEqual(['disk', 'disk', 'interface', 'rng']);

    const cdrom = findDevice(def, 'disk', (d) => d.device === 'cdrom')!;
    expect(devicesOf(removeDevice(def, cdrom), 'disk').map((d) => d.target?.dev)).toEqual(['vda']);
    const replaced = replaceDevice(def, cdrom, { ...cdrom, source: { file: '/iso/c.iso' } });
    expect(findDevice(replaced, 'disk', (d) => d.device === 'cdrom')?.source?.file).toBe('/iso/c.iso');
    expect(formatDomainXML(replaced)).toContain('<readonly/>');
  });

  it('refuses a device that is not part of the definition', () => {
    const def = parseDomainXML(DOMAIN);
    const other = findDevice(parseDomainXML(DOMAIN), 'disk')!;
    expect(() => removeDevice(def, other)).toThrow(/disk device is not part of domain 't'/);
  });

  it('an unchanged edit of every device of the domain corpus formats the same document', () => {
    let devices = 0;
    for (const f of xmlFiles('domain/out')) {
      let def;
      try {
        def = parseDomainXML(read('domain/out', f));
      } catch {
        continue;
      }
      const before = formatDomainXML(def);
      let edited = def;
      for (const dev of domainDevices(def)) {
        edited = editDevice(edited, dev, () => undefined);
        devices++;
      }
      expect(formatDomainXML(edited), f).toBe(before);
    }
    expect(devices).toBeGreaterThan(3000);
  });
});

describe('typed network, pool and volume parts', { timeout: 120_000 }, () => {
  it('every part of every network of the corpus reads and writes back to the same document', () => {
    let parts = 0;
    for (const f of xmlFiles('network/out')) {
      const def = parseNetworkXML(read('network/out', f));
      const before = formatNetworkXML(def);
      let edited = def;
      for (const kind of Object.keys(NETWORK_PART_MODELS) as NetworkPartKind[]) {
        const values = networkParts(edited, kind);
        parts += values.length;
        if (values.length) edited = withNetworkParts(edited, kind, values);
      }
      expect(formatNetworkXML(edited), f).toBe(before);
    }
    expect(parts).toBeGreaterThan(100);
  });

  it('edits a network part and the typed fields follow', () => {
    const def = parseNetworkXML(read('network/in', 'nat-network.xml'));
    const ips = networkParts(def, 'ip');
    const changed = withNetworkParts(def, 'ip', [{ ...ips[0]!, address: '10.0.0.1' }, ...ips.slice(1)]);
    expect(formatNetworkXML(changed)).toContain(`address='10.0.0.1'`);
    const bridged = withNetworkParts(def, 'bridge', [{ ...networkPart(def, 'bridge'), name: 'br9' }]);
    expect(bridged.bridge).toBe('br9');
    expect(formatNetworkXML(bridged)).toContain(`name='br9'`);
  });

  /** Rewrites every part of `def` with the value read from it; the document must not change. */
  function roundTrip<D>(f: string, def: D, kinds: string[], read: (d: D, k: string) => unknown, write: (d: D, k: string, v: unknown) => D, format: (d: D) => string): void {
    let edited = def;
    for (const kind of kinds) {
      const v = read(edited, kind);
      if (v) edited = write(edited, kind, v);
    }
    expect(format(edited), f).toBe(format(def));
  }

  it('every pool and volume part of the corpus reads and writes back to the same document', () => {
    for (const f of xmlFiles('storage-pool/out')) {
      roundTrip(f, parseStoragePoolXML(read('storage-pool/out', f)), Object.keys(POOL_PART_MODELS),
        (d, k) => poolPart(d, k as PoolPartKind), (d, k, v) => withPoolPart(d, k as PoolPartKind, v as never), formatStoragePoolXML);
    }
    const pool = parseStoragePoolXML(read('storage-pool/in', 'pool-dir.xml'));
    for (const f of xmlFiles('storage-vol/in')) {
      let def;
      try {
        def = parseStorageVolXML(read('storage-vol/in', f), pool);
      } catch {
        continue;
      }
      roundTrip(f, def, Object.keys(VOLUME_PART_MODELS),
        (d, k) => volumePart(d, k as VolumePartKind), (d, k, v) => withVolumePart(d, k as VolumePartKind, v as never), formatStorageVolXML);
    }
  });

  it('edits a pool target and a volume format', () => {
    const pool = parseStoragePoolXML(read('storage-pool/in', 'pool-dir.xml'));
    const moved = withPoolPart(pool, 'target', { ...poolPart(pool, 'target'), path: '/srv/images' });
    expect(moved.targetPath).toBe('/srv/images');
    expect(formatStoragePoolXML(moved)).toContain('<path>/srv/images</path>');
    const vol = parseStorageVolXML(read('storage-vol/in', 'vol-qcow2.xml'), pool);
    const raw = withVolumePart(vol, 'target', { ...volumePart(vol, 'target'), format: 'raw' });
    expect(raw.format).toBe('raw');
    expect(formatStorageVolXML(raw)).toContain(`<format type='raw'/>`);
  });
});
