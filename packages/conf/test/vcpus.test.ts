// `<vcpus>`: libvirt's conf-level reading of vCPUs listed one by one (ids, online state, hotplug,
// order), its defaults and its refusals; the expected words were recorded from libvirtd 9.0
// (virsh define on qemu:///system), the layouts from its dumpxml --inactive.
import { describe, expect, it } from 'vitest';
import { formatDomainXML, parseDomainXML, vcpuHotpluggable, type DomainVcpuState } from '../src/index.js';
import { errorOf } from './refusal.js';
import { read } from './corpus.js';

const domain = (vcpus: string, vcpu = '<vcpu>3</vcpu>'): string =>
  `<domain type='qemu'><name>v</name><memory unit='MiB'>64</memory>${vcpu}<vcpus>${vcpus}</vcpus><os><type arch='x86_64' machine='pc'>hvm</type></os></domain>`;
const vcpusOf = (xml: string): string => /<vcpu [\s\S]*<\/vcpus>/.exec(xml)?.[0] ?? '';

describe('<vcpus>', () => {
  it('reads libvirt\'s cpu-hotplug-startup case and writes it back as libvirt does', () => {
    const xml = read('domain', 'in', 'cpu-hotplug-startup.xml');
    const def = parseDomainXML(xml);
    expect(def.vcpu.current).toBe(3);
    expect(def.vcpu.vcpus?.map((s) => [s.enabled, vcpuHotpluggable(s), s.order ?? 0])).toEqual([
      [true, false, 1], [false, true, 0], [false, true, 0], [false, true, 0], [true, true, 2], [true, true, 3],
    ]);
    expect(vcpusOf(formatDomainXML(def))).toBe(vcpusOf(xml));
  });

  it('lists every vCPU, fills in hotpluggable and takes the online count for current', () => {
    const def = parseDomainXML(domain("<vcpu id='0' enabled='yes'/><vcpu id='2' enabled='yes'/>", "<vcpu current='1'>3</vcpu>"));
    expect(vcpusOf(formatDomainXML(def))).toBe(`<vcpu placement='static' current='2'>3</vcpu>
  <vcpus>
    <vcpu id='0' enabled='yes' hotpluggable='no'/>
    <vcpu id='1' enabled='no' hotpluggable='yes'/>
    <vcpu id='2' enabled='yes' hotpluggable='no'/>
  </vcpus>`);
  });

  it('ignores an empty list, as libvirt does', () => {
    const def = parseDomainXML(domain(''));
    expect(def.vcpu.vcpus).toBeUndefined();
    expect(formatDomainXML(def)).not.toContain('vcpus');
  });

  it('writes states a driver sets, the online count following them', () => {
    const def = parseDomainXML(domain("<vcpu id='0' enabled='yes'/>"));
    const states: DomainVcpuState[] = [{ enabled: true, hotpluggable: false, order: 1 }, { enabled: true, hotpluggable: true, order: 2 }, { enabled: false }];
    def.vcpu = { ...def.vcpu, vcpus: states, current: 2 };
    const again = parseDomainXML(formatDomainXML(def));
    expect(again.vcpu.current).toBe(2);
    expect(again.vcpu.vcpus).toEqual([{ enabled: true, hotpluggable: false, order: 1 }, { enabled: true, hotpluggable: true, order: 2 }, { enabled: false, hotpluggable: true }]);
  });

  it.each([
    ["<vcpu id='3' enabled='yes'/>", "vcpu id '3' is out of range of maximum vcpu count"],
    ["<vcpu id='1'/>", "Missing required attribute 'enabled' in element 'vcpu'"],
    ["<vcpu enabled='yes'/>", "Missing required attribute 'id' in element 'vcpu'"],
    ["<vcpu id='1' enabled='maybe'/>", "Invalid value for attribute 'enabled' in element 'vcpu': 'maybe'."],
    ["<vcpu id='1' enabled='yes' hotpluggable='x'/>", "Invalid value for attribute 'hotpluggable' in element 'vcpu': 'x'."],
    ["<vcpu id='1' enabled='yes' order='x'/>", "Invalid value for attribute 'order' in element 'vcpu': 'x'. Expected non-negative integer value"],
    ["<vcpu id='x' enabled='yes'/>", "Invalid value for attribute 'id' in element 'vcpu': 'x'. Expected non-negative integer value"],
    ["<vcpu id='0' enabled='yes'/><vcpu id='1' enabled='no' hotpluggable='no'/>", "vcpu '1' is both offline and not hotpluggable"],
  ])('refuses %s in libvirt\'s words', (vcpus, words) => {
    expect(errorOf(() => parseDomainXML(domain(vcpus))).message).toContain(words);
  });

  it('runs a driver\'s own rules on the states as written, before libvirt\'s generic check', () => {
    const seen: DomainVcpuState[][] = [];
    expect(() => parseDomainXML(domain("<vcpu id='1' enabled='no' hotpluggable='no'/>"), {
      checkVcpus: (s) => {
        seen.push([...s]);
        throw new Error('driver rule');
      },
    })).toThrow('driver rule');
    expect(seen).toEqual([[{ enabled: false }, { enabled: false, hotpluggable: false }, { enabled: false }]]);
  });
});
