#!/usr/bin/env node
// `pnpm fuzz [--docs N] [--seed S]`: a longer seeded fuzz run of conf's parse and format over
// libvirt's corpus (the CI test runs a few thousand documents). Needs `pnpm build` first.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { reformatDocument } from '../dist/bundle/index.js';
import { isVirError } from '@tsvirt/util';
import { corpus, fuzz } from './fuzz-lib.mjs';

const { values } = parseArgs({ options: { docs: { type: 'string', default: '50000' }, seed: { type: 'string', default: String(Date.now() % 100000) } } });
const root = join(dirname(fileURLToPath(import.meta.url)), '../../../../shared/libvirt-tests');
const t0 = performance.now();
const { tally, failures } = fuzz({
  docs: corpus(root), reformat: reformatDocument, isVirError, count: Number(values.docs), seed: Number(values.seed), maxFailures: 50,
});
console.log(`seed ${values.seed}: ${JSON.stringify(tally)} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (const f of failures) console.log(`\n${f.kind} from ${f.source}: ${f.why}\n${f.xml.slice(0, 2000)}`);
process.exitCode = tally.other + tally.notFixedPoint + tally.slow > 0 ? 1 : 0;
