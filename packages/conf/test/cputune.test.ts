import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { formatDomainXML, parseDomainXML } from '../src/index.js';

/** `<cputune>` variants and libvirt 9.0's answer to each (`scripts/record-cputune-cases.py`). */
const CASES = JSON.parse(readFileSync(new URL('./fixtures/cputune-cases.json', import.meta.url), 'utf8')) as
  Array<{ xml: string; printed?: string; code?: number; domain?: number; message?: string }>;

/** What conf answers: the `<cputune>` block it formats, or its error as [code, domain, message]. */
function answer(xml: string): unknown {
  try {
    return /  <cputune>\n.*?  <\/cputune>\n/s.exec(formatDomainXML(parseDomainXML(xml)))?.[0] ?? '';
  } catch (e) {
    if (!(e instanceof VirError)) throw e;
    return [e.code, e.domain, e.message];
  }
}

describe('cputune as libvirt normalises and checks it', () => {
  for (const c of CASES) {
    it(c.xml.replace(/^.*<cputune>/, '').slice(0, 100), () => {
      expect(answer(c.xml)).toEqual(c.printed ?? [c.code, c.domain, c.message]);
    });
  }
});
