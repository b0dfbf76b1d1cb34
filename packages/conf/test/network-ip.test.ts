import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { reformatDocument } from '../src/index.js';

/** Network `<ip>` and forward variants and libvirt 9.0's answer to each (`scripts/record-define-cases.py`). */
const CASES = JSON.parse(readFileSync(new URL('./fixtures/network-ip-cases.json', import.meta.url), 'utf8')) as
  Array<{ xml: string; printed?: string; code?: number; domain?: number; message?: string }>;

function answer(xml: string): unknown {
  try {
    return reformatDocument('network', xml);
  } catch (e) {
    if (!(e instanceof VirError)) throw e;
    return [e.code, e.domain, e.message];
  }
}

describe('network addresses and forward modes as libvirt checks them', () => {
  for (const c of CASES) {
    it(c.xml.replace(/^.*<\/uuid>/, '').slice(0, 100), () => {
      expect(answer(c.xml)).toEqual(c.printed ?? [c.code, c.domain, c.message]);
    });
  }
});
