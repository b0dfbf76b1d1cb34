import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { addDriverImporter, connect } from '@tsvirt/api';
import { isVirError } from '@tsvirt/util';

addDriverImporter((s) => import(s));

/** A URI and python3-libvirt 9.0's answer: the connection's URI or the error (`test/uri-oracle/record.py`). */
interface Case { open: string; uri?: string; code?: number; domain?: number; message?: string }

const cases = JSON.parse(readFileSync(new URL('./uri-oracle/cases.json', import.meta.url), 'utf8')) as Case[];

/** Where tsvirt still words a URI differently, and why. */
const KNOWN_GAPS = new Map([
  ...['qemu:///system', 'qemu:///system?x=1', 'qemu:/system?x=1&y=2&x=3'].map((u) =>
    [u, 'python3-libvirt opens it through libvirtd, tsvirt with its own driver: only for root'] as const),
]);

/** What `connect()` answers, in the recording's shape. */
async function answer(uri: string): Promise<Omit<Case, 'open'>> {
  try {
    const conn = await connect(uri);
    try {
      return { uri: await conn.getURI() };
    } finally {
      await conn.close();
    }
  } catch (e) {
    if (!isVirError(e)) throw e;
    return { code: e.code, domain: e.domain, message: e.message };
  }
}

describe("connect() answers each URI as python3-libvirt 9.0's virConnectOpen does", () => {
  for (const c of cases) {
    const test = KNOWN_GAPS.has(c.open) && process.getuid?.() !== 0 ? it.skip : it;
    test(c.open, { timeout: 30_000 }, async () => {
      const { open, ...want } = c;
      expect(await answer(open)).toEqual(want);
    });
  }
});
