// tsvirsh's cold start against its floor and against virsh, in the same run: `node -e 0` (Node's
// own start, the floor), `./tsvirsh -c test:///default list --all` and Debian's virsh 9.0 doing
// the same. Medians of interleaved runs by hyperfine, wall time and CPU time (user + system),
// which a loaded machine disturbs less. Env: BENCH_RUNS (default 30).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
if (!has('hyperfine')) {
  console.log('tsvirsh-start-bench: skipped, hyperfine is not installed');
  process.exit(0);
}
const commands = [
  ['node -e 0', 'node -e 0'],
  ['tsvirsh', `${join(root, 'tsvirsh')} -c test:///default list --all`],
  ...(has('virsh') ? [['virsh 9.0', 'virsh -c test:///default list --all']] : []),
];
const tmp = mkdtempSync(join(tmpdir(), 'tsvirsh-start-'));
try {
  const json = join(tmp, 'out.json');
  const r = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', json, ...commands.map(([, c]) => c)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
  const results = JSON.parse(readFileSync(json, 'utf8')).results;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rows = results.map((res, i) => ({
    label: commands[i][0],
    wall: median(res.times) * 1000,
    cpu: (res.user + res.system) * 1000,
  }));
  const floor = rows[0];
  console.log(`cold start, ${RUNS} runs each, load average ${loadavg()[0].toFixed(1)} on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs`);
  for (const row of rows) {
    console.log(`  ${row.label.padEnd(10)} wall ${row.wall.toFixed(1).padStart(7)} ms (${(row.wall / floor.wall).toFixed(2)}x node -e 0)` +
      `  cpu ${row.cpu.toFixed(1).padStart(6)} ms (${(row.cpu / floor.cpu).toFixed(2)}x)`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
