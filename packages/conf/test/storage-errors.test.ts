import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { parseStoragePoolXML, parseStorageVolXML } from '../src/index.js';

/** What libvirt 9.0 answered for each document (scripts/record-storage-errors.py). */
const RECORDED = JSON.parse(readFileSync(new URL('./fixtures/storage-errors.json', import.meta.url), 'utf8')) as
  Array<{ xml: string; pool?: string; accepted?: true; code?: number; domain?: number; message?: string }>;

function answer(xml: string, pool: string | undefined): unknown {
  try {
    if (pool === undefined) parseStoragePoolXML(xml);
    else parseStorageVolXML(xml, parseStoragePoolXML(pool));
    return 'accepted';
  } catch (e) {
    if (!(e instanceof VirError)) throw e;
    return [e.code, e.domain, e.message];
  }
}

describe('pool and volume definitions refused as libvirt refuses them', () => {
  for (const { xml, pool, accepted, code, domain, message } of RECORDED) {
    it(`${pool === undefined ? '' : `${pool.slice(0, 18)}… `}${xml}`, () => {
      expect(answer(xml, pool)).toEqual(accepted ? 'accepted' : [code, domain, message]);
    });
  }
});
