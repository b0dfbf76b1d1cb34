// Runs every bench/*-bench.mjs in turn (sorted by name), each a standalone Node script that
// prints its own figures. `pnpm bench` builds first; `node bench/run.mjs api conf` runs only the
// benches whose name contains one of the words given.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const filters = process.argv.slice(2);
const benches = readdirSync(here)
  .filter((f) => f.endsWith('-bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (benches.length === 0) {
  console.log(`bench: no bench/*-bench.mjs${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(0);
}

const results = [];
for (const file of benches) {
  console.log(`\n=== ${file} ===`);
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [join(here, file)], { cwd: root, stdio: 'inherit' });
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  const status = r.error ? `error: ${r.error.message}` : r.signal ? `killed by ${r.signal}` : r.status === 0 ? 'ok' : `exit ${r.status}`;
  results.push({ file, secs, status });
}

console.log('\n=== bench summary ===');
const width = Math.max(...results.map((r) => r.file.length));
for (const r of results) console.log(`${r.file.padEnd(width)}  ${r.secs.toFixed(1).padStart(6)} s  ${r.status}`);
process.exitCode = results.some((r) => r.status !== 'ok') ? 1 : 0;
