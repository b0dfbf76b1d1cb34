import { describe, expect, it } from 'vitest';
import { check, exists, manifest, read, tally } from './corpus.js';
import type { DocumentContext, DocumentKind } from '../src/index.js';

/** libvirt's conf-level xml2xml tests: parse in/NAME.xml, format, compare with out/NAME.xml (or the input). */
function run(folder: string, kind: DocumentKind, ctx: (cols: string[]) => DocumentContext = () => ({})): number {
  const results = manifest(folder)
    .filter(({ cols }) => !cols[0]?.startsWith('fail'))
    .filter(({ name }) => exists(folder, 'in', `${name}.xml`))
    .map(({ name, cols }): [string, string | undefined] => {
      const input = read(folder, 'in', `${name}.xml`);
      const expected = exists(folder, 'out', `${name}.xml`) ? read(folder, 'out', `${name}.xml`) : input;
      return [name, check(kind, input, expected, ctx(cols))];
    });
  return tally(`in→out ${folder}`, results);
}

describe('libvirt conf-level in→out', { timeout: 120_000 }, () => {
  it('network', () => expect(run('network', 'network')).toBeGreaterThanOrEqual(42));
  it('storage-pool', () => expect(run('storage-pool', 'pool')).toBeGreaterThanOrEqual(38));
  it('storage-vol', () => expect(run('storage-vol', 'volume', ([pool]) => ({ poolXML: read('storage-pool', 'in', `${pool}.xml`) }))).toBeGreaterThanOrEqual(19));
  it('domain-generic', () => expect(run('domain-generic', 'domain', () => ({ arch: 'x86_64' }))).toBeGreaterThanOrEqual(38));
});
