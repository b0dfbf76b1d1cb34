import { describe, expect, it } from 'vitest';
import { isVirError } from '@tsvirt/util';
import { reformatDocument, type DocumentContext, type DocumentKind } from '../src/index.js';
// @ts-expect-error -- a plain .mjs module shared with `pnpm fuzz`, without declarations
import { corpus, fuzz } from '../scripts/fuzz-lib.mjs';
import { CORPUS } from './corpus.js';

interface FuzzResult {
  tally: { documents: number; accepted: number; virError: number; other: number; notFixedPoint: number; slow: number; fixedPoints: number };
  failures: Array<{ why: string; source: string; kind: string; xml: string }>;
}

/**
 * A seeded fuzz run over libvirt's corpus (domains, networks, pools, volumes): every mutant is
 * refused with a VirError or accepted with an output that formats to itself, each within 5 s.
 * `pnpm fuzz` runs longer with other seeds.
 */
describe('fuzzing parse and format', () => {
  it('2,500 mutated documents: VirError or a fixed point, nothing else', { timeout: 600_000 }, () => {
    const { tally, failures } = fuzz({
      docs: corpus(CORPUS),
      reformat: (kind: DocumentKind, xml: string, ctx: DocumentContext) => reformatDocument(kind, xml, ctx),
      isVirError,
      count: 2500,
      seed: 20261206,
      limitMs: 5000,
    }) as FuzzResult;
    console.log(`fuzz: ${JSON.stringify(tally)}`);
    expect(failures.map((f) => `${f.kind} from ${f.source}: ${f.why}\n${f.xml}`)).toEqual([]);
    expect(tally.documents).toBe(2500);
    expect(tally.fixedPoints).toBe(tally.accepted);
    expect(tally.accepted).toBeGreaterThan(500);
    expect(tally.virError).toBeGreaterThan(500);
  });
});
