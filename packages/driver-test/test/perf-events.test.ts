import { describe, expect, it } from 'vitest';
import { connect, DomainModificationImpact as Impact, DomainXMLFlags, typedBoolean, typedUInt } from '@tsvirt/api';
import { virErrorOf } from './helpers.js';

const perfOf = (xml: string): string => /^ {2}<perf>\n.*?^ {2}<\/perf>\n/ms.exec(xml)?.[0] ?? '';
const enabled = (params: ReadonlyArray<{ field: string; value: unknown }>): string[] => params.filter((p) => p.value === true).map((p) => p.field).sort();

describe('perf events of the mock', () => {
  // The same calls through python3-libvirt 9.0 on test:///default answered exactly these values.
  it('lists all 22 events, enables and disables them per definition, and writes <perf> in libvirt order', async () => {
    const conn = await connect('test:///default');
    try {
      const dom = await conn.lookupByName('test');
      const all = await dom.perfEvents(0);
      expect([enabled(all), all.length]).toEqual([[], 22]);
      await dom.setPerfEvents([typedBoolean('cpu_cycles', true), typedBoolean('cmt', true)], Impact.CONFIG);
      expect(enabled(await dom.perfEvents(Impact.CONFIG))).toEqual(['cmt', 'cpu_cycles']);
      await dom.setPerfEvents([typedBoolean('cmt', false)], Impact.LIVE);
      expect(perfOf(await dom.getXMLDesc(DomainXMLFlags.INACTIVE))).toBe("  <perf>\n    <event name='cmt' enabled='yes'/>\n    <event name='cpu_cycles' enabled='yes'/>\n  </perf>\n");
      expect(perfOf(await dom.getXMLDesc(0))).toBe("  <perf>\n    <event name='cmt' enabled='no'/>\n  </perf>\n");
      expect((await virErrorOf(dom.setPerfEvents([typedBoolean('bogus', true)], 0))).message).toBe("argument unsupported: parameter 'bogus' not supported");
      expect((await virErrorOf(dom.setPerfEvents([typedUInt('cmt', 1)], 0))).message).toBe("invalid argument: invalid type 'uint' for parameter 'cmt', expected 'boolean'");
      expect((await virErrorOf(dom.perfEvents(Impact.LIVE | Impact.CONFIG))).message).toContain('mutually exclusive');
    } finally {
      await conn.close();
    }
  });
});
