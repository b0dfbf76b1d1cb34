import { describe, expect, it } from 'vitest';
import { VirError } from '@tsvirt/util';
import { reformatDocument, validateXML, type DocumentKind } from '../src/index.js';
import { manifest, read, tally, xmlFiles } from './corpus.js';

/** For each schema-valid input, the formatted output must validate too. */
async function run(label: string, kind: DocumentKind, schema: string, inputs: Array<[string, string, { poolXML?: string }?]>): Promise<number> {
  const results: Array<[string, string | undefined]> = [];
  for (const [name, xml, ctx] of inputs) {
    try {
      await validateXML(xml, schema);
    } catch {
      continue;
    }
    let out: string;
    try {
      out = reformatDocument(kind, xml, ctx);
    } catch (e) {
      // Refused inputs print nothing; the error tests judge the refusal.
      if (e instanceof VirError) continue;
      throw e;
    }
    try {
      await validateXML(out, schema);
      results.push([name, undefined]);
    } catch (e) {
      results.push([name, (e as Error).message.split('\n').slice(1, 3).join(' ')]);
    }
  }
  return tally(label, results);
}

const dir = (folder: string): Array<[string, string]> => xmlFiles(folder).map((f) => [f, read(folder, f)]);

describe('formatted output validates against libvirt schemas', { timeout: 120_000 }, () => {
  it('domain/in', async () => expect(await run('schema domain/in', 'domain', 'domain.rng', dir('domain/in'))).toBeGreaterThanOrEqual(860));
  it('domain-generic/in', async () => expect(await run('schema domain-generic/in', 'domain', 'domain.rng', dir('domain-generic/in'))).toBeGreaterThanOrEqual(38));
  it('network/in', async () => expect(await run('schema network/in', 'network', 'network.rng', dir('network/in'))).toBeGreaterThanOrEqual(42));
  it('storage-pool/in', async () => expect(await run('schema storage-pool/in', 'pool', 'storagepool.rng', dir('storage-pool/in'))).toBeGreaterThanOrEqual(39));
  it('storage-vol/in', async () => {
    const inputs = manifest('storage-vol').map(({ name, cols }): [string, string, { poolXML: string }] =>
      [name, read('storage-vol', 'in', `${name}.xml`), { poolXML: read('storage-pool', 'in', `${cols[0]}.xml`) }]);
    expect(await run('schema storage-vol/in', 'volume', 'storagevol.rng', inputs)).toBeGreaterThanOrEqual(19);
  });
  it('capabilities', async () => expect(await run('schema capabilities', 'capabilities', 'capability.rng', dir('capabilities'))).toBeGreaterThanOrEqual(4));
});
