import { describe, expect, it } from 'vitest';
import { ErrorCode, VirError } from '@tsvirt/util';
import { DISK_IOTUNE_LIMITS, formatDomainXML, parseDevice, parseDomainXML, replaceDevices, type DomainDevice } from '../src/index.js';

type Disk = Extract<DomainDevice, { kind: 'disk' }>;

const domain = (iotune: string): string => `<domain type='test'><name>t</name><memory>1024</memory><os><type>hvm</type></os>
<devices><disk type='file' device='disk'><source file='/tmp/a.img'/><target dev='vda' bus='virtio'/>${iotune}</disk></devices></domain>`;
const diskOf = (xml: string): Disk => parseDevice(parseDomainXML(xml).devices[0]!) as Disk;
const iotuneXml = (xml: string): string => /<iotune>[\s\S]*<\/iotune>|<iotune\/>/.exec(xml)?.[0].replace(/\s+/g, '') ?? '';

/** The limits libvirt allows beside each other: all but the totals that read/write ones exclude. */
const TOTALS = new Set(['total_bytes_sec', 'total_iops_sec', 'total_bytes_sec_max', 'total_iops_sec_max']);
const ALL = DISK_IOTUNE_LIMITS.map((f, i) => [f, BigInt(i + 1)] as const).filter(([f]) => !TOTALS.has(f));
/** Those with distinct values, written in reverse of libvirt's order. */
const REVERSED = `<iotune>${ALL.map(([f, v]) => `<${f}>${v}</${f}>`).reverse().join('')}<group_name>g</group_name></iotune>`;

function refusal(xml: string): VirError {
  try { parseDomainXML(xml); } catch (e) { return e as VirError; }
  throw new Error('accepted');
}

describe('a disk\'s <iotune>', () => {
  it('reads every child as a typed value, 64-bit exact', () => {
    const t = diskOf(domain(REVERSED.replace('<size_iops_sec>13<', '<size_iops_sec>18446744073709551615<'))).iotune!;
    for (const [f, v] of ALL) expect(t[f]).toBe(f === 'size_iops_sec' ? 2n ** 64n - 1n : v);
    expect(t.group_name).toBe('g');
  });

  it('formats in libvirt\'s order (group_name after size_iops_sec) whatever the input order', () => {
    const names = [...iotuneXml(formatDomainXML(parseDomainXML(domain(REVERSED)))).matchAll(/<([a-z_]+)>/g)].map((m) => m[1]);
    const kept = ALL.map(([f]) => f);
    expect(names).toEqual(['iotune', ...kept.filter((f) => !f.endsWith('_length')), 'group_name', ...kept.filter((f) => f.endsWith('_length'))]);
  });

  it('drops a zero limit and an <iotune> left with nothing, as libvirt does', () => {
    expect(iotuneXml(formatDomainXML(parseDomainXML(domain('<iotune><total_bytes_sec>0</total_bytes_sec><size_iops_sec>3</size_iops_sec></iotune>')))))
      .toBe('<iotune><size_iops_sec>3</size_iops_sec></iotune>');
    expect(formatDomainXML(parseDomainXML(domain('<iotune><read_iops_sec>0</read_iops_sec></iotune>')))).not.toContain('iotune');
  });

  it('writes changed limits back into the disk', () => {
    const def = parseDomainXML(domain('<iotune><read_bytes_sec>5</read_bytes_sec></iotune>'));
    const disk = parseDevice(def.devices[0]!) as Disk;
    const next = replaceDevices(def, [[disk, { ...disk, iotune: { read_bytes_sec: undefined, total_iops_sec: 9n, group_name: 'x' } }]]);
    expect(iotuneXml(formatDomainXML({ ...def, devices: next.devices })))
      .toBe('<iotune><total_iops_sec>9</total_iops_sec><group_name>x</group_name></iotune>');
  });

  it.each(['bytes_sec', 'iops_sec', 'bytes_sec_max', 'iops_sec_max'])('refuses total and read/write %s together', (kind) => {
    for (const side of ['read', 'write']) {
      const e = refusal(domain(`<iotune><total_${kind}>1</total_${kind}><${side}_${kind}>2</${side}_${kind}></iotune>`));
      expect([e.code, e.message]).toEqual([ErrorCode.XML_ERROR, `XML error: total and read/write ${kind} cannot be set at the same time`]);
    }
  });

  it.each([...DISK_IOTUNE_LIMITS])('refuses a %s that is not an unsigned 64-bit integer', (f) => {
    for (const bad of ['x', '-1', '1.5', '18446744073709551616']) {
      const e = refusal(domain(`<iotune><${f}>${bad}</${f}></iotune>`));
      expect([e.code, e.message]).toEqual([ErrorCode.XML_ERROR, `XML error: disk iotune field '${f}' must be an integer`]);
    }
  });
});
