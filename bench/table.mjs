// The table `pnpm bench` ends with: the rows the benches reported (see rows.mjs) gathered in
// ROWS' order, each row a bench did not report said so (filtered out, skipped and why, failed),
// and the table as plain text or as Markdown for the README. Not a bench itself.
import { ROWS, goalText } from './rows.mjs';

/**
 * One bench's outcome as run.mjs saw it: its exit status ('ok' or why not) and the lines it wrote
 * to its BENCH_ROWS file.
 * @typedef {{ bench: string, status: string, lines: string[] }} BenchRun
 */

/**
 * Each row of ROWS with what was measured (`row`, the last one reported) or why nothing was
 * (`missing`). Benches absent from `runs` did not run.
 * @param {BenchRun[]} runs
 */
export function gather(runs) {
  const byBench = new Map(runs.map((r) => [r.bench, { status: r.status, ...parseRecords(r.lines) }]));
  return ROWS.map((def) => {
    const run = byBench.get(def.bench);
    const row = run?.rows.get(def.id);
    if (row) return { def, row };
    const missing = !run ? `not run (${def.bench} filtered out)`
      : run.skipped ? `skipped: ${run.skipped}`
      : run.status !== 'ok' ? `not run: ${def.bench} ${run.status}`
      : `not run: no figure from ${def.bench}`;
    return { def, missing };
  });
}

/** A bench's records: its rows by id (the last report of each) and its reason to skip, if any. @param {string[]} lines */
function parseRecords(lines) {
  const rows = new Map();
  let skipped;
  for (const line of lines) {
    if (!line.trim()) continue;
    const rec = JSON.parse(line);
    if (rec.row) rows.set(rec.row.id, rec.row);
    if (rec.skipped) skipped = rec.skipped;
  }
  return { rows, skipped };
}

/** A figure to three significant digits or so, with thousands separators (NaN becomes null in JSON). @param {number | null} x */
function num(x) {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '—';
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2;
  return x.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}
const figure = (x, unit) => (num(x) === '—' ? '—' : `${num(x)} ${unit}`);
const times = (x) => (typeof x !== 'number' || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}×`);
const load = (l) => `${l.before.toFixed(1)}→${l.after.toFixed(1)}`;

export const HEAD = ['measure', 'tsvirt', 'libvirt 9.0', 'ratio', 'goal', 'met', 'load'];

/** The table's cells (HEAD's columns) and the rows' notes. @param {ReturnType<typeof gather>} table */
export function cells(table) {
  const notes = [];
  const body = table.map(({ def, row, missing }) => {
    const measure = def.issue ? `${def.measure} (issue ${def.issue})` : def.measure;
    if (!row) return [measure, missing, '', '', goalText(def), '—', ''];
    if (row.note) notes.push(`${measure}: ${row.note}`);
    const theirs = row.libvirt == null ? (row.libvirtUnavailable ? `unavailable: ${row.libvirtUnavailable}` : '—')
      : `${figure(row.libvirt, row.unit)}${row.floor == null ? '' : ` (${times(row.libvirt / row.floor)})`}`;
    const met = row.met == null ? '—' : row.met ? 'yes' : 'no';
    return [measure, figure(row.tsvirt, row.unit), theirs, times(row.ratio), row.goal, met, load(row.load)];
  });
  return { body, notes };
}

/** The table as aligned plain text, its notes below. @param {ReturnType<typeof gather>} table */
export function formatText(table) {
  const { body, notes } = cells(table);
  const widths = HEAD.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)));
  const line = (r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(HEAD), line(widths.map((w) => '-'.repeat(w))), ...body.map(line), ...notes.map((n) => `  note: ${n}`)].join('\n');
}

/** The table in Markdown, `intro` above it and its notes as a list below. @param {ReturnType<typeof gather>} table @param {string} intro */
export function formatMarkdown(table, intro) {
  const { body, notes } = cells(table);
  const line = (r) => `| ${r.map((c) => c.replaceAll('|', '\\|')).join(' | ')} |`;
  return [intro, '', line(HEAD), line(HEAD.map(() => '---')), ...body.map(line), ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : []), ''].join('\n');
}
