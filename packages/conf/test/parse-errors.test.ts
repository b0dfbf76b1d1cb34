import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ErrorCode, ErrorDomain } from '@tsvirt/util';
import { errorOf } from './refusal.js';
import { parseDomainXML, parseNetworkXML, parseStoragePoolXML } from '../src/index.js';

/** Malformed documents and what `virsh -c test:///default define FILE` 9.0 printed for each (after `error: `). */
const RECORDED = JSON.parse(readFileSync(new URL('./fixtures/parse-errors.json', import.meta.url), 'utf8')) as
  Array<{ name: string; xml: string; message: string }>;

/** Well-formed but wrong domains and python3-libvirt's error for each (code, domain, message) on test:///default. */
const SEMANTIC = JSON.parse(readFileSync(new URL('./fixtures/semantic-errors.json', import.meta.url), 'utf8')) as
  Array<{ xml: string; code: number; domain: number; message: string }>;


describe('parse errors in libxml2 words, as virsh prints them', () => {
  for (const { name, xml, message } of RECORDED) {
    it(name, () => {
      const e = errorOf(() => parseDomainXML(xml));
      expect(e.message).toBe(message);
      expect(e.code).toBe(ErrorCode.XML_DETAIL);
      expect(e.domain).toBe(ErrorDomain.DOMAIN);
    });
  }

  it('labels each document kind as libvirt does', () => {
    const bad = '<a>\n<b></a>\n';
    expect(errorOf(() => parseNetworkXML(bad)).message).toBe('(network_definition):2: Opening and ending tag mismatch: b line 2 and a\n<b></a>\n-------^');
    const pool = errorOf(() => parseStoragePoolXML(bad));
    expect(pool.message.split(':')[0]).toBe('(storage_pool_definition)');
    expect(pool.domain).toBe(ErrorDomain.STORAGE);
  });
});

describe('semantic errors as libvirt words them', () => {
  for (const { xml, code, domain, message } of SEMANTIC) {
    it(xml.replace(/^.*<os><type>hvm<\/type><\/os>/, '').slice(0, 90), () => {
      const e = errorOf(() => parseDomainXML(xml));
      expect([e.code, e.domain, e.message]).toEqual([code, domain, message]);
    });
  }
});
