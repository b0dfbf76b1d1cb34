// Runs every bench/*-bench.mjs in turn (sorted by name), each a standalone Node script that
// prints its own figures, then prints issue 15's table (bench/rows.mjs): each row's tsvirt and
// libvirt 9.0 figures from the same run, the ratio, the goal, whether it is met and the load average
// (1 minute) at the bench's start → at the row; a row whose bench was filtered out, skipped (and
// why) or failed says so. Each bench reports its rows to the file run.mjs names in BENCH_ROWS.
// `pnpm bench` builds first; `node bench/run.mjs api conf` runs only the benches whose name
// contains one of the words given; `--markdown FILE` also writes the table as Markdown to FILE, to
// paste into the README's Figures.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';
import { formatMarkdown, formatText, gather } from './table.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const mdAt = args.indexOf('--markdown');
const markdown = mdAt === -1 ? undefined : args[mdAt + 1];
if (mdAt !== -1 && !markdown) {
  console.error('bench: --markdown needs a file name');
  process.exit(2);
}
const filters = args.filter((a, i) => mdAt === -1 || (i !== mdAt && i !== mdAt + 1));
const benches = readdirSync(here)
  .filter((f) => f.endsWith('-bench.mjs'))
  .filter((f) => filters.length === 0 || filters.some((w) => f.includes(w)))
  .sort();

if (benches.length === 0) {
  console.log(`bench: no bench/*-bench.mjs${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  process.exit(0);
}

const rowsDir = mkdtempSync(join(tmpdir(), 'bench-rows-'));
const results = [];
try {
  for (const file of benches) {
    console.log(`\n=== ${file} ===`);
    const rowsFile = join(rowsDir, `${file}.jsonl`);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [join(here, file)], { cwd: root, stdio: 'inherit', env: { ...process.env, BENCH_ROWS: rowsFile } });
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    const status = r.error ? `error: ${r.error.message}` : r.signal ? `killed by ${r.signal}` : r.status === 0 ? 'ok' : `exit ${r.status}`;
    const lines = existsSync(rowsFile) ? readFileSync(rowsFile, 'utf8').split('\n') : [];
    results.push({ bench: file, secs, status, lines });
  }
} finally {
  rmSync(rowsDir, { recursive: true, force: true });
}

console.log('\n=== bench summary ===');
const width = Math.max(...results.map((r) => r.bench.length));
for (const r of results) console.log(`${r.bench.padEnd(width)}  ${r.secs.toFixed(1).padStart(6)} s  ${r.status}`);

const table = gather(results);
console.log(`\n=== issue 15's table (load: 1-minute load average at the bench's start → at the row) ===\n${formatText(table)}`);
if (markdown) {
  const commit = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).stdout?.trim();
  const intro = `\`pnpm bench\` on ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${commit ? `, commit ${commit}` : ''}, ` +
    `${cpus().length} CPUs; load: the 1-minute load average at the bench's start → at the row.`;
  writeFileSync(markdown, formatMarkdown(table, intro));
  console.log(`\nbench: the table in Markdown is in ${markdown}`);
}
process.exitCode = results.some((r) => r.status !== 'ok') ? 1 : 0;
