import { describe, expect, it } from 'vitest';
import { DEVICE_MODELS, DOMAIN_PART_MODELS, formatXml, parseXml, type XmlElement } from '../src/index.js';

const CPU = DOMAIN_PART_MODELS.cpu;
const cpuOf = (xml: string): XmlElement => parseXml(xml);
const oneLine = (el: XmlElement): string => formatXml(el).replace(/\n\s*/g, '');

describe("a model that writes new fields in its shape's order (newInShapeOrder)", () => {
  it("puts added attributes and children where libvirt writes them, keeping the rest in place", () => {
    const cpu = CPU.parse(cpuOf(`<cpu migratable='on'><topology sockets='1' cores='2' threads='1'/><x-unknown/><numa><cell id='0' cpus='0-1' memory='1024'><distances><sibling id='0' value='10'/></distances></cell></numa></cpu>`));
    const el = CPU.format({ ...cpu, mode: 'custom', match: 'exact', check: 'none', model: { name: 'qemu64', fallback: 'forbid' }, vendor: 'Intel' });
    expect(oneLine(el)).toBe(
      `<cpu mode='custom' match='exact' check='none' migratable='on'><model fallback='forbid'>qemu64</model><vendor>Intel</vendor>` +
      `<topology sockets='1' cores='2' threads='1'/><x-unknown/><numa><cell id='0' cpus='0-1' memory='1024'><distances><sibling id='0' value='10'/></distances></cell></numa></cpu>`,
    );
  });

  it('appends a field no written one comes after, and leaves a value that was there where it stood', () => {
    const cpu = CPU.parse(cpuOf(`<cpu><model>Haswell</model><topology sockets='1'/></cpu>`));
    expect(oneLine(CPU.format({ ...cpu, features: [{ policy: 'require', name: 'vmx' }], topology: { sockets: 2 } })))
      .toBe(`<cpu><model>Haswell</model><topology sockets='2'/><feature policy='require' name='vmx'/></cpu>`);
  });

  it('leaves models without the option appending what they add', () => {
    const input = DEVICE_MODELS.input.parse(cpuOf(`<input bus='ps2'/>`));
    expect(oneLine(DEVICE_MODELS.input.format({ ...input, type: 'mouse' }))).toBe(`<input bus='ps2' type='mouse'/>`);
  });
});
