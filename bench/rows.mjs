// Issue 15's benchmark table (with the daemon's and the remote driver's rows of issues 12 and 11),
// and how a bench reports a row of it. A bench calls `emitRow(id, figures)`, which appends the row
// as one JSON line to the file named by BENCH_ROWS (run.mjs sets it for each bench it runs; unset,
// nothing is written and the bench's own output is all there is), and `skipRows(reason)` when it
// measures nothing here. The load average is read when this module loads (the bench's start) and
// at each row. Not a bench itself (run.mjs runs only *-bench.mjs).
import { appendFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/**
 * @typedef {object} Goal
 * @property {'≤' | '≥'} cmp
 * @property {number} value
 * @property {string} [of] the unit of tsvirt's own figure when that is compared (default: the ratio)
 * @property {string} [text] how the goal is written, when not `cmp value×`
 */
/**
 * @typedef {object} RowDef
 * @property {string} id
 * @property {string} bench the bench/*-bench.mjs file that measures the row
 * @property {string} measure
 * @property {Goal} [goal]
 * @property {boolean} [speed] figures are times and the ratio is libvirt's over tsvirt's (a speed)
 * @property {number} [issue] the issue the row is from, when not issue 15
 */
/**
 * What a bench measured for one row: tsvirt's figure and libvirt's (or the floor the ratio is
 * taken against), in one unit; `libvirtUnavailable` says why libvirt's figure is missing.
 * @typedef {{ tsvirt: number, libvirt?: number, floor?: number, unit: string, note?: string, libvirtUnavailable?: string }} Figures
 */

/** @type {RowDef[]} in issue 15's order, then issue 11's and 12's rows */
export const ROWS = [
  { id: 'cold-start', bench: 'tsvirsh-start-bench.mjs', measure: '`./tsvirsh -c test:///default list --all`, cold (floor: CA-free `node -e 0`)', goal: { cmp: '≤', value: 1.3, text: '≤ 1.3× `node -e 0`' } },
  { id: 'wrapper', bench: 'api-bench.mjs', measure: 'the bash wrapper `./tsvirsh` alone', goal: { cmp: '≤', value: 5, of: 'ms', text: '≈ 0 (≤ 5 ms)' } },
  { id: 'api-first', bench: 'api-bench.mjs', measure: 'API define+lookup+dumpxml+undefine, first 2,000 cycles of a fresh process (python3-libvirt)', goal: { cmp: '≥', value: 1 } },
  { id: 'api-warm', bench: 'api-bench.mjs', measure: 'the same after 2,000 warm-up cycles', goal: { cmp: '≥', value: 1.5 } },
  { id: 'qemu-attach', bench: 'qemu-bench.mjs', measure: '`attach-disk --live` (CLI, qemu; virsh + libvirtd)', goal: { cmp: '≤', value: 0.5 } },
  { id: 'qemu-detach', bench: 'qemu-bench.mjs', measure: '`detach-disk --live` (CLI, qemu)', goal: { cmp: '≤', value: 0.5 } },
  { id: 'qemu-list', bench: 'qemu-bench.mjs', measure: '`list` with 20 domains running (CLI, qemu)', goal: { cmp: '≤', value: 1 } },
  { id: 'qemu-start', bench: 'qemu-bench.mjs', measure: '`start` (CLI, qemu)', goal: { cmp: '≤', value: 0.35 } },
  { id: 'qemu-destroy', bench: 'qemu-bench.mjs', measure: '`destroy` (CLI, qemu)', goal: { cmp: '≤', value: 0.2 } },
  { id: 'script', bench: 'virsh-script-bench.mjs', measure: 'a 1,000-command virsh script (ratio: speed)', speed: true, goal: { cmp: '≥', value: 1 } },
  { id: 'conf', bench: 'conf-bench.mjs', measure: 'conf parse + format of the domain corpus (libvirt: define+dumpxml)', goal: { cmp: '≥', value: 1.5 } },
  { id: 'conf-memory', bench: 'conf-bench.mjs', measure: 'the same: peak memory', goal: { cmp: '≤', value: 1, text: '≤ libvirt\'s' } },
  { id: 'remote-pipelined', bench: 'remote-bench.mjs', issue: 11, measure: 'API over libvirtd (`test+unix:///default`), pipelined (python3-libvirt one at a time)', goal: { cmp: '≥', value: 1.5 } },
  { id: 'remote-serial', bench: 'remote-bench.mjs', issue: 11, measure: 'the same, one call at a time' },
  { id: 'daemon-script', bench: 'daemon-bench.mjs', issue: 12, measure: 'virsh through tsvirtd vs libvirtd: 400-command script, test driver (ratio: speed)', speed: true, goal: { cmp: '≥', value: 1 } },
  { id: 'daemon-list', bench: 'daemon-bench.mjs', issue: 12, measure: 'the same: `virsh list --all`, test driver', speed: true, goal: { cmp: '≥', value: 1 } },
  { id: 'daemon-list-qemu', bench: 'daemon-bench.mjs', issue: 12, measure: 'the same: `virsh list --all`, 20 QEMU domains running', speed: true, goal: { cmp: '≥', value: 1 } },
  { id: 'daemon-kill-event', bench: 'daemon-bench.mjs', issue: 12, measure: 'QEMU killed -9 to a python3-libvirt client\'s event', goal: { cmp: '≤', value: 100, of: 'ms' } },
  { id: 'daemon-poweroff-event', bench: 'daemon-bench.mjs', issue: 12, measure: 'a guest\'s own power-off to the client\'s SHUTDOWN event', goal: { cmp: '≤', value: 50, of: 'ms' } },
];

/** The row `id` of ROWS; throws on an unknown id (a misspelt id must not drop a row silently). */
export function rowDef(id) {
  const def = ROWS.find((r) => r.id === id);
  if (!def) throw new Error(`bench rows: no row '${id}' in bench/rows.mjs`);
  return def;
}

/** How a goal reads in the table. @param {RowDef} def */
export function goalText(def) {
  const g = def.goal;
  if (!g) return '—';
  return g.text ?? `${g.cmp} ${g.value}${g.of ? ` ${g.of}` : '×'}`;
}

/**
 * The whole row, self-contained: figures, ratio, goal and whether it is met (undefined where a
 * figure is missing or the row has no goal), and the load average before and after.
 * @param {string} id @param {Figures} figures @param {{ before: number, after: number }} load
 */
export function makeRow(id, figures, load) {
  const def = rowDef(id);
  const base = figures.floor ?? figures.libvirt;
  const ratio = base === undefined ? undefined : def.speed ? base / figures.tsvirt : figures.tsvirt / base;
  const judged = def.goal?.of ? figures.tsvirt : ratio;
  const met = def.goal === undefined || judged === undefined || !Number.isFinite(judged) ? undefined
    : def.goal.cmp === '≤' ? judged <= def.goal.value : judged >= def.goal.value;
  return { id, measure: def.measure, ...figures, ratio, goal: goalText(def), met, load };
}

const loadNow = () => Number(loadavg()[0].toFixed(2));
const loadAtStart = loadNow();

function record(entry) {
  if (process.env.BENCH_ROWS) appendFileSync(process.env.BENCH_ROWS, `${JSON.stringify(entry)}\n`);
}

/** Reports one row of the table (a row measured again later replaces it). @param {string} id @param {Figures} figures */
export function emitRow(id, figures) {
  record({ row: makeRow(id, figures, { before: loadAtStart, after: loadNow() }) });
}

/** Reports why this bench measured none of its rows (no root, no libvirtd, a tool missing). @param {string} reason */
export function skipRows(reason) {
  record({ skipped: reason });
}
