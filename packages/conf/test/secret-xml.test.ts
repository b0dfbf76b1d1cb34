import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { formatSecretXML, parseSecretXML } from '../src/index.js';

/** What libvirt 9.0's secret driver answered for each document (scripts/record-secret-xml.py). */
const RECORDED = JSON.parse(readFileSync(new URL('./fixtures/secret-xml.json', import.meta.url), 'utf8')) as
  Array<{ xml: string; accepted?: string; code?: number; domain?: number; message?: string }>;

function answer(xml: string): unknown {
  try {
    const def = parseSecretXML(xml);
    const out = formatSecretXML(def);
    return xml.toLowerCase().includes(def.uuid) ? out : out.replace(def.uuid, 'GENERATED');
  } catch (e) {
    if (!(e instanceof VirError)) throw e;
    return [e.code, e.domain, e.message];
  }
}

describe('secret definitions read and written as libvirt does', () => {
  for (const { xml, accepted, code, domain, message } of RECORDED) {
    it(xml || '(empty)', () => {
      expect(answer(xml)).toEqual(accepted ?? [code, domain, message]);
    });
  }

  it('keeps the ephemeral and private flags', () => {
    const def = parseSecretXML("<secret ephemeral='yes' private='yes'><usage type='tls'><name>t</name></usage></secret>");
    expect(def).toMatchObject({ ephemeral: true, isPrivate: true, usageType: 'tls', usageID: 't' });
    expect(formatSecretXML(def)).toContain("<secret ephemeral='yes' private='yes'>");
  });
});
