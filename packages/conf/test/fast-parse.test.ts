import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorDomain, isVirError } from '@tsvirt/util';
import { parseXml, reformatDocument, type DocumentContext, type DocumentKind } from '../src/index.js';
import { setFastPath } from '../src/xml/xml-parse.js';
import { fastParse } from '../src/xml/fast-parse.js';
// @ts-expect-error -- a plain .mjs module shared with `pnpm fuzz`, without declarations
import { corpus, fuzz } from '../scripts/fuzz-lib.mjs';
import { CORPUS } from './corpus.js';

/** Every XML file of libvirt's corpus. */
function* xmlFiles(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* xmlFiles(p);
    else if (name.endsWith('.xml')) yield p;
  }
}

/** The tree (or the refusal's message) of the full parser and of the one with the fast path. */
function both(text: string): [unknown, unknown] {
  const run = (fast: boolean): unknown => {
    setFastPath(fast);
    try {
      return parseXml(text, 'domain_definition', ErrorDomain.DOMAIN);
    } catch (e) {
      return isVirError(e) ? `VirError: ${e.message}` : e;
    }
  };
  return [run(false), run(true)];
}

afterEach(() => setFastPath(true));

describe('the one-pass reader builds the validating parser\'s tree', { timeout: 600_000 }, () => {
  it('for every document of libvirt\'s corpus, and takes most of them', () => {
    let files = 0;
    let taken = 0;
    for (const file of xmlFiles(CORPUS)) {
      const text = readFileSync(file, 'utf8');
      const [full, fast] = both(text);
      expect(fast, file).toEqual(full);
      files++;
      if (fastParse(text, (s) => s) !== undefined) taken++;
    }
    expect(files).toBeGreaterThan(1500);
    expect(taken / files).toBeGreaterThan(0.9);
  });

  it("for 3,000 fuzzed mutants and their outputs: the same tree, or the same refusal", () => {
    const docs = corpus(CORPUS);
    let compared = 0;
    fuzz({
      docs, count: 3000, seed: 7, isVirError,
      reformat: (_k: DocumentKind, xml: string, _c: DocumentContext) => {
        const [full, fast] = both(xml);
        expect(fast, xml).toEqual(full);
        compared++;
        return reformatDocument(_k, xml, _c);
      },
    });
    expect(compared).toBeGreaterThanOrEqual(3000);
  });

  it('leaves doubtful documents to the full parser', () => {
    for (const t of ['<a><![CDATA[x]]></a>', '<a><?pi x?></a>', "<a b='1\n2'/>", '<a>\r\n</a>', '<é/>', "<a b='1' b='2'/>",
      '<a></b>', '<a>', '<a/><b/>', 'x<a/>', "<a b='1'c='2'/>", '<a b=1/>', `${'<a>'.repeat(300)}${'</a>'.repeat(300)}`,
      // What the full way puts to libxml2 first: control characters, `]]>`, a `<` a quote leaves open.
      '<a>\x01</a>', "<a b='\x1f'/>", '<a><!--\x0b--></a>', '<a>\uffff</a>', '<a>]]></a>', '<a><!-- <?xml --></a>',
      '<a>x="y</a>', `<a b='="'><c/></a>`, "<?xml version='1.0?><a/>", '<?xml <?xml ?><a/>']) {
      expect(fastParse(t, (s) => s), t).toBeUndefined();
    }
  });
});
