import { describe, expect, it } from 'vitest';
import { check, read, tally, xmlFiles } from './corpus.js';
import type { DocumentKind } from '../src/index.js';

/** format(parse(file)) must give the file back byte for byte: libvirt's own outputs are canonical. */
const CASES: Array<[folder: string, kind: DocumentKind, atLeast: number]> = [
  ['domain/out', 'domain', 516],
  ['network/out', 'network', 42],
  ['storage-pool/out', 'pool', 38],
  ['domain-generic/out', 'domain', 21],
  ['domain-status', 'domstatus', 22],
];

describe('fixed point on libvirt outputs', { timeout: 120_000 }, () => {
  for (const [folder, kind, atLeast] of CASES) {
    it(folder, () => {
      const results = xmlFiles(folder).map((f): [string, string | undefined] => [f, check(kind, read(folder, f), read(folder, f))]);
      expect(tally(`fixed point ${folder}`, results)).toBeGreaterThanOrEqual(atLeast);
    });
  }
  it('storage-vol/out', () => {
    const rows = read('storage-vol', 'MANIFEST.tsv').trim().split('\n').slice(1).map((l) => l.split('\t'));
    const pools = new Map(rows.map(([vol, pool]) => [`${vol}.xml`, pool!]));
    const results = xmlFiles('storage-vol/out').map((f): [string, string | undefined] => {
      const text = read('storage-vol/out', f);
      return [f, check('volume', text, text, { poolXML: read('storage-pool/in', `${pools.get(f) ?? 'pool-dir'}.xml`) })];
    });
    expect(tally('fixed point storage-vol/out', results)).toBeGreaterThanOrEqual(20);
  });
});
