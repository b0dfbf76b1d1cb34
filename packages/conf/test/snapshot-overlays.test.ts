import { describe, expect, it } from 'vitest';
import { devicesOf, editDevice, formatDomainXML, formatSnapshotXML, parseDomainXML, parseSnapshotXML, snapshotDiskElements, snapshotDisks } from '../src/index.js';

const domain = (disk: string): string =>
  `<domain type='qemu'><name>d</name><memory>1024</memory><os><type>hvm</type></os><devices>${disk}</devices></domain>`;

describe("a snapshot's external disks", () => {
  it('reads the overlay a disk names: its type, format and source', () => {
    const def = parseSnapshotXML("<domainsnapshot><disks><disk name='vda' snapshot='external' type='block'><source dev='/dev/x'/><driver type='qed'/></disk>"
      + "<disk name='vdb'><source file='/i/b.s'/></disk><disk name='vdc' snapshot='no'/></disks></domainsnapshot>");
    expect(snapshotDisks(def)?.map((d) => ({ ...d, xml: undefined }))).toEqual([
      { name: 'vda', snapshot: 'external', type: 'block', format: 'qed', source: { dev: '/dev/x' }, xml: undefined },
      { name: 'vdb', source: { file: '/i/b.s' }, xml: undefined },
      { name: 'vdc', snapshot: 'no', xml: undefined },
    ]);
  });

  it("writes new disks in libvirt's order: name, snapshot, type, then <driver> and <source>", () => {
    const disks = snapshotDiskElements([
      { name: 'vda', snapshot: 'external', type: 'file', format: 'qcow2', source: { file: '/i/a.s1' } }, { name: 'vdb', snapshot: 'no' },
    ]);
    expect(formatSnapshotXML({ name: 's1', disks })).toBe(`<domainsnapshot>
  <name>s1</name>
  <disks>
    <disk name='vda' snapshot='external' type='file'>
      <driver type='qcow2'/>
      <source file='/i/a.s1'/>
    </disk>
    <disk name='vdb' snapshot='no'/>
  </disks>
</domainsnapshot>
`);
  });
});

describe('a <backingStore> chain given only so far', () => {
  const disk = (chain: string): string =>
    `<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='/i/top'/>${chain}<target dev='vda' bus='virtio'/></disk>`;

  it('is read with its open end marked and written back without a closing element', () => {
    const xml = domain(disk("<backingStore type='file'><format type='qcow2'/><source file='/i/base'/></backingStore>"));
    const d = devicesOf(parseDomainXML(xml), 'disk')[0]!;
    expect(d.backingStore).toEqual([{ type: 'file', format: 'qcow2', path: '/i/base', open: true }]);
    const def = parseDomainXML(xml);
    const edited = editDevice(def, devicesOf(def, 'disk')[0]!, (x) => {
      x.backingStore = [{ type: 'file', format: 'qcow2', path: '/i/mid' }, ...x.backingStore!];
    });
    const out = formatDomainXML(edited);
    expect(out).toContain("<backingStore type='file'>\n        <format type='qcow2'/>\n        <source file='/i/mid'/>\n        <backingStore type='file'>");
    expect(out).not.toContain('<backingStore/>');
  });

  it('keeps a closed chain closed', () => {
    const xml = domain(disk("<backingStore type='file' index='2'><format type='raw'/><source file='/i/base'/><backingStore/></backingStore>"));
    const def = parseDomainXML(xml);
    expect(devicesOf(def, 'disk')[0]!.backingStore).toEqual([{ type: 'file', index: 2, format: 'raw', path: '/i/base' }]);
    const edited = editDevice(def, devicesOf(def, 'disk')[0]!, (x) => {
      x.backingStore = [{ type: 'file', index: 3, format: 'qcow2', path: '/i/mid' }, ...x.backingStore!];
    });
    expect(formatDomainXML(edited)).toContain('<backingStore/>');
  });
});
