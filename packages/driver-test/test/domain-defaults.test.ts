import { readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainXMLFlags, connect, type Connection } from '@tsvirt/api';
import { isVirError } from '@tsvirt/util';
import { defaultConn } from './helpers.js';

/** libvirt's error as recorded: code, error domain and message. */
interface Refusal { code: number; domain: number; message: string }

/** One definition and what libvirt 9.0's test driver made of it (`test/domain-defaults/record.py`). */
interface Case extends Partial<Refusal> { xml: string; inactive?: string; live?: string; start?: Refusal }

/** A recorded domain of the custom config: the case it came from and its two printed forms. */
interface ConfigCase { case: number; live: string; inactive: string }

const recorded = JSON.parse(readFileSync(new URL('./domain-defaults/cases.json', import.meta.url), 'utf8')) as { cases: Case[]; config: ConfigCase[] };

/** The id a running domain happens to get is not part of the defaults. */
const anyId = (xml: string): string => xml.replace(/^<domain type='test' id='\d+'>/, "<domain type='test' id='N'>");

const refusal = (e: unknown): Refusal => {
  if (!isVirError(e)) throw e;
  return { code: e.code, domain: e.domain, message: e.message };
};

/** What tsvirt answers for a definition, in the recording's shape. */
async function answer(conn: Connection, xml: string): Promise<Omit<Case, 'xml'>> {
  let dom;
  try {
    dom = await conn.defineXML(xml);
  } catch (e) {
    return refusal(e);
  }
  const out: Omit<Case, 'xml'> = { inactive: await dom.getXMLDesc(DomainXMLFlags.INACTIVE) };
  try {
    await dom.create();
    out.live = anyId(await dom.getXMLDesc(0));
    await dom.destroy();
  } catch (e) {
    out.start = refusal(e);
  }
  await dom.undefine();
  return out;
}

/** A short label for a case: its devices. */
const label = (xml: string): string => (/<devices>(.*)<\/devices>/s.exec(xml)?.[1] ?? xml).slice(0, 160);

describe('device defaults as libvirt 9.0\'s test driver prints them (define, dumpxml inactive and live)', () => {
  recorded.cases.forEach((c, i) => {
    it(`${i}: ${label(c.xml)}`, async () => {
      const { xml, ...want } = c;
      if (want.live !== undefined) want.live = anyId(want.live);
      expect(await answer(await defaultConn(), xml)).toEqual(want);
    });
  });
});

describe('the same defaults for the domains of a custom config', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsvirt-dd-'));
  const config = join(dir, 'node.xml');
  let conn: Connection;
  beforeAll(async () => {
    const domains = recorded.config.map((c) => recorded.cases[c.case]!.xml.replace('<name>dd</name>', `<name>cfg${c.case}</name>`));
    writeFileSync(config, `<node>\n${domains.join('\n')}\n</node>\n`);
    conn = await connect(`test://${config}`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of recorded.config) {
    it(`cfg${c.case}: ${label(recorded.cases[c.case]!.xml)}`, async () => {
      const dom = await conn.lookupByName(`cfg${c.case}`);
      expect(anyId(await dom.getXMLDesc(0))).toBe(anyId(c.live));
      expect(await dom.getXMLDesc(DomainXMLFlags.INACTIVE)).toBe(c.inactive);
    });
  }
});
