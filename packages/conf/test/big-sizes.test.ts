import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { formatStoragePoolXML, formatStorageVolXML, parseStoragePoolXML, parseStorageVolXML, reformatDocument } from '../src/index.js';

/** A definition and libvirt 9.0's answer: the size lines it printed, or its error (`scripts/record-size-cases.py`). */
interface Case { kind: 'domain' | 'volume'; xml: string; printed?: string; code?: number; domain?: number; message?: string }

const CASES = JSON.parse(readFileSync(new URL('./fixtures/size-cases.json', import.meta.url), 'utf8')) as Case[];
const POOL = "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>";
const SIZE_LINE = /^ *<(memory|currentMemory|hard_limit|soft_limit|swap_hard_limit|capacity|allocation|physical)\b.*\n/gm;

function answer(c: Case): unknown {
  try {
    return (reformatDocument(c.kind, c.xml, { poolXML: POOL }).match(SIZE_LINE) ?? []).join('');
  } catch (e) {
    if (!(e instanceof VirError)) throw e;
    return [e.code, e.domain, e.message];
  }
}

describe('sizes near and past 2^53 and 2^64 read as libvirt 9.0 reads them', () => {
  for (const c of CASES) {
    it(`${c.kind}: ${c.xml.replace(/^.*<\/name>/, '').slice(0, 100)}`, () => {
      expect(answer(c)).toEqual(c.printed ?? [c.code, c.domain, c.message]);
    });
  }
});

describe('exact 64-bit sizes in the typed storage models', () => {
  const pool = parseStoragePoolXML(POOL);

  it('carries a volume of 8P and one byte past 2^53 exactly, through parse and format', () => {
    for (const [written, bytes] of [["<capacity unit='P'>8</capacity>", 9007199254740992n], ['<capacity>9007199254740993</capacity>', 9007199254740993n],
      ['<capacity>9007199254740992000</capacity>', 9007199254740992000n], ["<capacity unit='E'>7</capacity>", 7n * 2n ** 60n]] as const) {
      const vol = parseStorageVolXML(`<volume><name>v</name>${written}</volume>`, pool);
      expect(vol.capacity).toBe(bytes);
      expect(vol.allocation).toBe(bytes);
      const again = parseStorageVolXML(formatStorageVolXML(vol), pool);
      expect(again.capacity).toBe(bytes);
      expect(formatStorageVolXML(vol)).toContain(`<capacity unit='bytes'>${bytes}</capacity>`);
    }
  });

  it('prints a volume <physical> after <allocation> when it is known, and never reads one', () => {
    const vol = parseStorageVolXML("<volume><name>v</name><capacity>1</capacity><physical>7</physical></volume>", pool);
    expect(vol.physical).toBeUndefined();
    expect(formatStorageVolXML(vol)).not.toContain('physical');
    const xml = formatStorageVolXML({ ...vol, physical: 2n ** 63n - 1n });
    expect(xml).toMatch(/<allocation unit='bytes'>1<\/allocation>\n {2}<physical unit='bytes'>9223372036854775807<\/physical>\n {2}<target>/);
  });

  it('prints pool sizes up to 2^64-1 exactly', () => {
    const max = 2n ** 64n - 1n;
    const xml = formatStoragePoolXML({ ...pool, capacity: max, allocation: max - 1n, available: 1n });
    expect(xml).toContain(`<capacity unit='bytes'>${max}</capacity>`);
    expect(xml).toContain(`<allocation unit='bytes'>${max - 1n}</allocation>`);
  });
});
