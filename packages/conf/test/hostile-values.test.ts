import { describe, expect, it } from 'vitest';
import { ErrorCode } from '@tsvirt/util';
import { errorOf } from './refusal.js';
import { parseDomainXML, parseStoragePoolXML, parseStorageVolXML, reformatDocument, toBytes } from '../src/index.js';

const PROTO_NAMES = ['toString', 'constructor', '__proto__', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'prototype'];


const POOL = "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>";
const pool = (inner: string, type = 'dir'): string => `<pool type='${type}'><name>p</name><target><path>/p</path>${inner}</target></pool>`;
const domain = (inner: string, attrs = ''): string =>
  `<domain type='test'${attrs}><name>d</name><memory>1024</memory>${inner}<os><type>hvm</type></os></domain>`;

describe("JavaScript's own property names as values are values like any other", () => {
  for (const name of PROTO_NAMES) {
    it(name, () => {
      expect(errorOf(() => parseStoragePoolXML(POOL.replace("type='dir'", `type='${name}'`))).message)
        .toBe(`XML error: Invalid value for attribute 'type' in element 'pool': '${name}'.`);
      expect(errorOf(() => toBytes(1, name)).message).toBe(`invalid argument: unknown suffix '${name}'`);
      const vol = `<volume><name>v</name><capacity unit='${name}'>1</capacity></volume>`;
      expect(errorOf(() => parseStorageVolXML(vol, parseStoragePoolXML(POOL))).code).toBe(ErrorCode.INVALID_ARG);
      // An element of that name is kept as an unknown one.
      expect(reformatDocument('domain', domain(`<${name === '__proto__' ? 'x__proto__' : name}/>`))).toContain(name);
    });
  }
});

describe('numbers past what libvirt reads are refused at parse, in its words', () => {
  const cases: Array<[string, () => unknown, string]> = [
    ['<vcpu> of 400 digits', () => parseDomainXML(domain(`<vcpu>${'9'.repeat(400)}</vcpu>`)), 'XML error: maximum vcpus count must be an integer'],
    ['<vcpu> past UINT_MAX', () => parseDomainXML(domain('<vcpu>4294967296</vcpu>')), 'XML error: maximum vcpus count must be an integer'],
    ['<memory> past ULLONG_MAX', () => parseDomainXML(domain('').replace('<memory>1024</memory>', '<memory>99999999999999999999999</memory>')),
      "XML error: Invalid value '99999999999999999999999' for element or attribute './memory[1]'"],
    ['pool <group> of 40 digits', () => parseStoragePoolXML(pool(`<permissions><group>${'1'.repeat(40)}</group></permissions>`)), 'XML error: malformed group element'],
    ['pool <owner> below -1', () => parseStoragePoolXML(pool('<permissions><owner>-2</owner></permissions>')), 'XML error: malformed owner element'],
    ['pool <mode> past 0777', () => parseStoragePoolXML(pool('<permissions><mode>1777</mode></permissions>')), 'XML error: malformed octal mode'],
    ['volume <owner> past 2^32-1', () => parseStorageVolXML('<volume><name>v</name><capacity>1</capacity><target><permissions><owner>4294967296</owner></permissions></target></volume>', parseStoragePoolXML(POOL)),
      'XML error: malformed owner element'],
    ['volume capacity past ULLONG_MAX', () => parseStorageVolXML('<volume><name>v</name><capacity>99999999999999999999999</capacity></volume>', parseStoragePoolXML(POOL)),
      'XML error: malformed capacity element'],
    ['volume capacity of ULLONG_MAX bytes', () => parseStorageVolXML('<volume><name>v</name><capacity>18446744073709551615</capacity></volume>', parseStoragePoolXML(POOL)),
      'numerical overflow: value too large: 18446744073709551615'],
    ['an address attribute past 2^53', () => parseDomainXML(domain("<devices><disk type='file'><source file='/x'/><target dev='vda'/><address type='drive' controller='99999999999999999999'/></disk></devices>")),
      "XML error: Invalid value for attribute 'controller' in element 'address': '99999999999999999999'. Expected non-negative integer value"],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      expect(errorOf(fn).message).toBe(message);
    });
  }

  it('ids: unset ones dropped, others unsigned (libvirt prints -2 for 4294967294, which it then refuses: not a fixed point)', () => {
    const out = reformatDocument('pool', pool('<permissions><owner>4294967294</owner><group>+5</group></permissions>'));
    expect(out).toContain('<owner>4294967294</owner>');
    expect(reformatDocument('pool', out)).toBe(out);
    expect(out).toContain('<group>5</group>');
  });

  it('an overflowing <domain id> is ignored, as at define', () => {
    expect(reformatDocument('domain', domain('', " id='99999999999999999999999'"))).toMatch(/^<domain type='test'>/);
  });
});
