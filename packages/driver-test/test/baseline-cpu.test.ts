import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVirError } from '@tsvirt/util';
import { defaultConn } from './helpers.js';

/** CPU descriptions, flags, and libvirt 9.0's test driver's answer (`test/baseline-cpu/record.py`). */
interface Case { cpus: string[]; flags: number; xml?: string; code?: number; domain?: number; message?: string }

const cases = JSON.parse(readFileSync(new URL('./baseline-cpu/cases.json', import.meta.url), 'utf8')) as Case[];

/** What tsvirt answers, in the recording's shape. */
async function answer(c: Case): Promise<Omit<Case, 'cpus' | 'flags'>> {
  try {
    return { xml: await (await defaultConn()).baselineCPU(c.cpus, c.flags) };
  } catch (e) {
    if (!isVirError(e)) throw e;
    return { code: e.code, domain: e.domain, message: e.message };
  }
}

const label = (c: Case): string => `${c.flags} ${c.cpus.map((x) => x.replace(/<\/?cpu>|<arch>x86_64<\/arch>/g, '')).join(' + ')}`.slice(0, 160);

describe("connectBaselineCPU as libvirt 9.0's test driver answers it, over libvirt's x86 CPU map", () => {
  cases.forEach((c, i) => {
    it(`${i}: ${label(c)}`, async () => {
      expect(await answer(c)).toEqual(c.xml !== undefined ? { xml: c.xml } : { code: c.code, domain: c.domain, message: c.message });
    });
  });
});
