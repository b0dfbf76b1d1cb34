import { describe, expect, it } from 'vitest';
import { addDevice, editDevice, findDevice, formatDomainXML, newDevice, parseDomainXML } from '../src/index.js';
import { read, xmlFiles } from './corpus.js';

const DOMAIN = `<domain type='kvm'><name>t</name><memory>1024</memory><os><type arch='x86_64'>hvm</type></os><devices>
  <disk type='file' device='disk'><source file='/a'/><target dev='vda' bus='virtio'/><address type='pci' domain='0' bus='0' slot='5' function='0'/></disk>
  <disk type='file' device='disk'><source file='/b'/><target dev='sda' bus='scsi'/></disk>
</devices></domain>`;

/** The `<address .../>` lines of a formatted domain. */
const addresses = (xml: string): string[] => xml.match(/<address [^>]*\/>/g) ?? [];
/** An address's attributes as written, in a fixed order (the order is the layout's business, not the model's). */
const spelling = (line: string): string[] => [...line.matchAll(/ (\w+)='([^']*)'/g)].map((m) => m[0]).filter((a) => !a.startsWith(' multifunction=')).sort();

describe('device addresses written through the typed model, spelt as libvirt spells them', { timeout: 120_000 }, () => {
  it('writes a new PCI address in fixed-width hex', () => {
    const def = addDevice(parseDomainXML(DOMAIN), newDevice('rng', {
      model: 'virtio', backend: { model: 'random' },
      address: { type: 'pci', domain: 0, bus: 0, slot: 31, function: 2 },
    }));
    expect(addresses(formatDomainXML(def))).toContain("<address type='pci' domain='0x0000' bus='0x00' slot='0x1f' function='0x2'/>");
  });

  it('writes a changed PCI field in hex and keeps the text of unchanged ones', () => {
    const def = parseDomainXML(DOMAIN);
    const vda = findDevice(def, 'disk', (d) => d.target?.dev === 'vda')!;
    const out = editDevice(def, vda, (d) => { d.address = { ...d.address, slot: 10, bus: 1 }; });
    expect(addresses(formatDomainXML(out))[0]).toBe("<address type='pci' domain='0' bus='0x01' slot='0x0a' function='0'/>");
  });

  it('writes drive, CCW, spapr-vio, ISA and DIMM addresses in their own bases', () => {
    const def = parseDomainXML(DOMAIN);
    const sda = findDevice(def, 'disk', (d) => d.target?.dev === 'sda')!;
    const spelt = (address: NonNullable<typeof sda.address>): string =>
      addresses(formatDomainXML(editDevice(def, sda, (d) => { d.address = address; })))[1]!;
    expect(spelt({ type: 'drive', controller: 0, bus: 0, target: 0, unit: 12 })).toBe("<address type='drive' controller='0' bus='0' target='0' unit='12'/>");
    expect(spelt({ type: 'ccw', cssid: 0xfe, ssid: 0, devno: 10 })).toBe("<address type='ccw' cssid='0xfe' ssid='0x0' devno='0x000a'/>");
    expect(spelt({ type: 'spapr-vio', reg: 0x2000 })).toBe("<address type='spapr-vio' reg='0x00002000'/>");
    expect(spelt({ type: 'isa', iobase: 0x505, irq: 5 })).toBe("<address type='isa' iobase='0x505' irq='0x5'/>");
    expect(spelt({ type: 'dimm', slot: 1, base: 0x100000000 })).toBe("<address type='dimm' slot='1' base='0x100000000'/>");
  });

  it('spells every address of libvirt\'s domain outputs as libvirt did when written from numbers', () => {
    let checked = 0;
    for (const file of xmlFiles('domain/out')) {
      for (const line of read('domain/out', file).match(/<address type='(pci|ccw|spapr-vio|isa|dimm|drive)'[^>]*\/>/g) ?? []) {
        const written = /type='([^']+)'/.exec(line)![1]!;
        const fields = Object.fromEntries([...line.matchAll(/ (\w+)='([^']*)'/g)].filter(([, k]) => k !== 'type' && k !== 'multifunction')
          .map(([, k, v]) => [k, /^0x/.test(v!) ? parseInt(v!.slice(2), 16) : Number(v)]));
        if (Object.values(fields).some((v) => Number.isNaN(v))) continue;
        const def = addDevice(parseDomainXML(DOMAIN), newDevice('rng', { model: 'virtio', backend: { model: 'random' }, address: { type: written as 'pci', ...fields } }));
        const ours = addresses(formatDomainXML(def)).at(-1)!;
        expect(spelling(ours), file).toEqual(spelling(line));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(500);
  });
});
