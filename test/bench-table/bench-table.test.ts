import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
// @ts-expect-error -- plain .mjs modules without declarations
import { ROWS, emitRow, makeRow, skipRows } from '../../bench/rows.mjs';
// @ts-expect-error -- plain .mjs modules without declarations
import { HEAD, formatMarkdown, formatText, gather } from '../../bench/table.mjs';

type Figures = { tsvirt: number; libvirt?: number; floor?: number; unit: string; note?: string; libvirtUnavailable?: string };
type Row = { ratio?: number; met?: boolean; goal: string; load: { before: number; after: number } };
type Gathered = { def: { id: string }; row?: Row & { id: string }; missing?: string };

const load = { before: 1.25, after: 2.5 };
const row = (id: string, figures: Figures): Row => makeRow(id, figures, load);
/** One line of a bench's BENCH_ROWS file, as emitRow writes it. */
const line = (id: string, figures: Figures) => JSON.stringify({ row: row(id, figures) });
const ids = ROWS.map((r: { id: string }) => r.id) as string[];

/**
 * `pnpm bench`'s closing table (bench/run.mjs): rows that benches report through bench/rows.mjs,
 * gathered in issue 15's order, each judged against its goal, as text and as Markdown.
 */
describe('bench rows: ratio and goal', () => {
  it('a "≤" goal on the ratio (time against libvirt\'s): met below and at the goal, not above', () => {
    expect(row('qemu-start', { tsvirt: 30, libvirt: 100, unit: 'ms' })).toMatchObject({ ratio: 0.3, met: true, goal: '≤ 0.35×' });
    expect(row('qemu-start', { tsvirt: 35, libvirt: 100, unit: 'ms' })).toMatchObject({ met: true });
    expect(row('qemu-start', { tsvirt: 36, libvirt: 100, unit: 'ms' })).toMatchObject({ ratio: 0.36, met: false });
  });

  it('a "≥" goal on the ratio (rates): met at and above the goal, not below', () => {
    expect(row('api-warm', { tsvirt: 150, libvirt: 100, unit: 'calls/s' })).toMatchObject({ ratio: 1.5, met: true, goal: '≥ 1.5×' });
    expect(row('api-warm', { tsvirt: 200, libvirt: 100, unit: 'calls/s' })).toMatchObject({ met: true });
    expect(row('api-warm', { tsvirt: 149, libvirt: 100, unit: 'calls/s' })).toMatchObject({ met: false });
  });

  it('a speed row takes times and gives libvirt\'s over tsvirt\'s, judged by "≥"', () => {
    expect(row('script', { tsvirt: 173, libvirt: 76, unit: 'ms CPU' })).toMatchObject({ ratio: 76 / 173, met: false });
    expect(row('script', { tsvirt: 50, libvirt: 76, unit: 'ms CPU' })).toMatchObject({ ratio: 76 / 50, met: true });
  });

  it('a floor, when given, is what the ratio is taken against', () => {
    expect(row('cold-start', { tsvirt: 99, floor: 63, libvirt: 37, unit: 'ms CPU' })).toMatchObject({ ratio: 99 / 63, met: false, goal: '≤ 1.3× `node -e 0`' });
    expect(row('cold-start', { tsvirt: 80, floor: 63, libvirt: 37, unit: 'ms CPU' })).toMatchObject({ met: true });
  });

  it('a goal on tsvirt\'s own figure is judged without libvirt\'s', () => {
    expect(row('daemon-poweroff-event', { tsvirt: 6, unit: 'ms' })).toMatchObject({ met: true, goal: '≤ 50 ms' });
    expect(row('daemon-poweroff-event', { tsvirt: 51, libvirt: 7, unit: 'ms' })).toMatchObject({ met: false });
    expect(row('wrapper', { tsvirt: 4, unit: 'ms' })).toMatchObject({ met: true, goal: '≈ 0 (≤ 5 ms)' });
    expect(row('wrapper', { tsvirt: 90, unit: 'ms' })).toMatchObject({ met: false });
  });

  it('no libvirt figure, no goal or a figure that is not a number: nothing judged', () => {
    expect(row('qemu-list', { tsvirt: 100, unit: 'ms', libvirtUnavailable: 'libvirtd does not answer' })).toMatchObject({ ratio: undefined, met: undefined });
    expect(row('remote-serial', { tsvirt: 900, libvirt: 1000, unit: 'calls/s' })).toMatchObject({ ratio: 0.9, met: undefined, goal: '—' });
    expect(row('daemon-kill-event', { tsvirt: Number.NaN, libvirt: 5, unit: 'ms' })).toMatchObject({ met: undefined });
  });

  it('an unknown row id is an error, not a row lost', () => {
    expect(() => row('no-such-row', { tsvirt: 1, unit: 'ms' })).toThrow(/no row 'no-such-row'/);
  });
});

describe('bench rows: the BENCH_ROWS file', () => {
  const saved = process.env.BENCH_ROWS;
  afterEach(() => {
    if (saved === undefined) delete process.env.BENCH_ROWS;
    else process.env.BENCH_ROWS = saved;
  });

  it('emitRow and skipRows append one JSON line each, with the load before and after', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bench-table-test-'));
    try {
      process.env.BENCH_ROWS = join(dir, 'rows.jsonl');
      emitRow('conf', { tsvirt: 3000, libvirt: 1500, unit: 'documents/CPU s' });
      skipRows('needs root');
      const lines = readFileSync(process.env.BENCH_ROWS, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(lines).toHaveLength(2);
      expect(lines[0].row).toMatchObject({ id: 'conf', ratio: 2, met: true, unit: 'documents/CPU s' });
      expect(lines[0].row.load).toEqual({ before: expect.any(Number), after: expect.any(Number) });
      expect(lines[1]).toEqual({ skipped: 'needs root' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without BENCH_ROWS nothing is written (a bench run alone prints only its own output)', () => {
    delete process.env.BENCH_ROWS;
    expect(() => emitRow('conf', { tsvirt: 1, libvirt: 1, unit: 'documents/CPU s' })).not.toThrow();
  });
});

describe('bench table: gathering', () => {
  // The benches as run.mjs saw them, in the order it ran them (by name), each row out of order.
  const runs = [
    { bench: 'api-bench.mjs', status: 'exit 1', lines: [] },
    { bench: 'conf-bench.mjs', status: 'ok', lines: [line('conf-memory', { tsvirt: 80, libvirt: 30, unit: 'MiB' }), line('conf', { tsvirt: 2000, libvirt: 1000, unit: 'documents/CPU s' })] },
    { bench: 'daemon-bench.mjs', status: 'ok', lines: [line('daemon-list', { tsvirt: 50, libvirt: 60, unit: 'ms' }), '', line('daemon-list', { tsvirt: 70, libvirt: 60, unit: 'ms' })] },
    { bench: 'qemu-bench.mjs', status: 'ok', lines: [JSON.stringify({ skipped: 'needs root (libvirtd, loop devices)' })] },
    { bench: 'tsvirsh-start-bench.mjs', status: 'ok', lines: [line('cold-start', { tsvirt: 99, floor: 63, libvirt: 37, unit: 'ms CPU', note: 'by wall 1.38×' })] },
    { bench: 'virsh-script-bench.mjs', status: 'ok', lines: [line('script', { tsvirt: 173, libvirt: 76, unit: 'ms CPU' })] },
  ];
  const table: Gathered[] = gather(runs);
  const missing = (id: string) => table.find((t) => t.def.id === id)?.missing;

  it('every row of issue 15 (then issues 11 and 12) in its order, whatever the order of benches and reports', () => {
    expect(table.map((t) => t.def.id)).toEqual(ids);
    expect(ids.slice(0, 12)).toEqual(['cold-start', 'wrapper', 'api-first', 'api-warm', 'qemu-attach', 'qemu-detach', 'qemu-list',
      'qemu-start', 'qemu-destroy', 'script', 'conf', 'conf-memory']);
    expect(table.filter((t) => t.row).map((t) => t.def.id)).toEqual(['cold-start', 'script', 'conf', 'conf-memory', 'daemon-list']);
  });

  it('a row reported twice keeps the last report', () => {
    expect(table.find((t) => t.def.id === 'daemon-list')?.row).toMatchObject({ ratio: 60 / 70, met: false });
  });

  it('a missing row says why: filtered out, skipped and why, the bench failed, or no figure', () => {
    expect(missing('remote-pipelined')).toBe('not run (remote-bench.mjs filtered out)');
    expect(missing('qemu-start')).toBe('skipped: needs root (libvirtd, loop devices)');
    expect(missing('api-first')).toBe('not run: api-bench.mjs exit 1');
    expect(missing('wrapper')).toBe('not run: api-bench.mjs exit 1');
    expect(missing('daemon-poweroff-event')).toBe('not run: no figure from daemon-bench.mjs');
  });

  it('nothing run: every row says so', () => {
    expect((gather([]) as Gathered[]).every((t) => t.missing?.startsWith('not run ('))).toBe(true);
  });
});

describe('bench table: formatting', () => {
  const table = gather([
    { bench: 'tsvirsh-start-bench.mjs', status: 'ok', lines: [line('cold-start', { tsvirt: 99, floor: 63, libvirt: 37, unit: 'ms CPU', note: 'by wall 1.38×' })] },
    { bench: 'virsh-script-bench.mjs', status: 'ok', lines: [line('script', { tsvirt: 1234.5, libvirt: 76, unit: 'ms CPU' })] },
    { bench: 'qemu-bench.mjs', status: 'ok', lines: [line('qemu-list', { tsvirt: 172, unit: 'ms', libvirtUnavailable: 'libvirtd does not answer' })] },
  ]);

  it('text: the header, one aligned line a row in order, the notes below', () => {
    const lines = (formatText(table) as string).split('\n');
    expect(lines[0]?.split(/ {2,}/)).toEqual(HEAD);
    expect(lines[1]).toMatch(/^-+( {2}-+)+$/);
    expect(lines).toHaveLength(2 + ids.length + 1);
    expect(lines[2]).toMatch(/^`\.\/tsvirsh -c test:\/\/\/default list --all`, cold .* {2}99\.0 ms CPU +37\.0 ms CPU \(0\.59×\) +1\.57× +≤ 1\.3× `node -e 0` +no +1\.3→2\.5$/);
    expect(lines[3]).toMatch(/^the bash wrapper `\.\/tsvirsh` alone +not run \(api-bench\.mjs filtered out\) +≈ 0 \(≤ 5 ms\) +—$/);
    expect(lines.find((l) => l.startsWith('`list` with 20'))).toMatch(/172 ms +unavailable: libvirtd does not answer +— +≤ 1× +—/);
    expect(lines.find((l) => l.startsWith('a 1,000-command'))).toMatch(/1,235 ms CPU +76\.0 ms CPU +0\.06× +≥ 1× +no/);
    expect(lines.at(-1)).toBe('  note: `./tsvirsh -c test:///default list --all`, cold (floor: CA-free `node -e 0`): by wall 1.38×');
  });

  it('Markdown: the intro, the header and its rule, a row each, the notes as a list', () => {
    const md = (formatMarkdown(table, 'taken at load 1') as string).split('\n');
    expect(md.slice(0, 4)).toEqual(['taken at load 1', '', `| ${HEAD.join(' | ')} |`, `|${' --- |'.repeat(HEAD.length)}`]);
    const body = md.slice(4, 4 + ids.length);
    expect(body.every((l) => l.startsWith('| ') && l.endsWith(' |') && l.split(' | ').length === HEAD.length)).toBe(true);
    expect(body[0]).toBe('| `./tsvirsh -c test:///default list --all`, cold (floor: CA-free `node -e 0`) | 99.0 ms CPU | 37.0 ms CPU (0.59×) | 1.57× | ≤ 1.3× `node -e 0` | no | 1.3→2.5 |');
    expect(md.slice(4 + ids.length)).toEqual(['', '- `./tsvirsh -c test:///default list --all`, cold (floor: CA-free `node -e 0`): by wall 1.38×', '']);
  });
});
