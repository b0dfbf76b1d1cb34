import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { reformatDocument } from '../src/index.js';
import { errFiles, read, tally, xmlFiles } from './corpus.js';
import { pathsOf } from './paths.js';

describe('nothing dropped', { timeout: 120_000 }, () => {
  it('every element and attribute path of domain/in survives parse and format', () => {
    const results = xmlFiles('domain/in').map((f): [string, string | undefined] => {
      const input = read('domain/in', f);
      try {
        const out = pathsOf(reformatDocument('domain', input));
        const lost = [...pathsOf(input)].filter((p) => !out.has(p));
        return [f, lost.length ? `lost ${lost.slice(0, 3).join(', ')}` : undefined];
      } catch (e) {
        // An input libvirt itself refuses may be refused here too, but only with a VirError.
        const refused = errFiles(f).length > 0 && e instanceof VirError;
        return [f, refused ? undefined : `threw ${(e as Error).message}`];
      }
    });
    expect(tally('nothing dropped domain/in', results)).toBeGreaterThanOrEqual(881);
  });
});
