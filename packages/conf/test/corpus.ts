import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { reformatDocument, type DocumentContext, type DocumentKind } from '../src/index.js';

/** libvirt's test data, beside the repository: three levels up from this folder. */
export const CORPUS = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../shared/libvirt-tests');

export const read = (...p: string[]): string => readFileSync(join(CORPUS, ...p), 'utf8');
export const xmlFiles = (...p: string[]): string[] => readdirSync(join(CORPUS, ...p)).filter((f) => f.endsWith('.xml')).sort();
export const exists = (...p: string[]): boolean => existsSync(join(CORPUS, ...p));

/**
 * The expected error files of a `domain/in` case (`NAME.err`, or per target `NAME.x86_64-latest.err`):
 * the cases libvirt refuses.
 */
export function errFiles(f: string): string[] {
  const name = f.replace(/\.xml$/, '');
  return readdirSync(join(CORPUS, 'domain/in')).filter((e) => e.endsWith('.err') && (e === `${name}.err` || e.startsWith(`${name}.`) && !e.slice(name.length + 1, -4).includes('.xml')));
}

/** One MANIFEST.tsv row: the case name and its columns after it. */
export function manifest(folder: string): Array<{ name: string; cols: string[] }> {
  return read(folder, 'MANIFEST.tsv').trim().split('\n').slice(1).map((l) => {
    const [name, ...cols] = l.split('\t');
    return { name: name!, cols };
  });
}

/** Runs format(parse(input)) and compares with `expected`; returns a failure note or undefined. */
export function check(kind: DocumentKind, input: string, expected: string, ctx?: DocumentContext): string | undefined {
  try {
    return reformatDocument(kind, input, ctx) === expected ? undefined : 'output differs';
  } catch (e) {
    return `threw ${(e as Error).message}`;
  }
}

/** Tallies results and prints them so each run shows the per-corpus counts. */
export function tally(label: string, results: Array<[string, string | undefined]>): number {
  const failed = results.filter(([, r]) => r !== undefined);
  const passed = results.length - failed.length;
  console.log(`${label}: ${passed}/${results.length} passed`);
  for (const [name, why] of failed.slice(0, 5)) console.log(`  ${name}: ${why}`);
  return passed;
}
