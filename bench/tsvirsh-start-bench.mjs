// tsvirsh's cold start against its floors and against virsh, in the same run: `node -e 0` as the
// environment runs it, `env -u NODE_EXTRA_CA_CERTS node -e 0` (the real floor: ./tsvirsh unsets
// that variable, whose CA bundle Node 20 parses before any JavaScript runs), `./tsvirsh -c
// test:///default list --all` and Debian's virsh 9.0 doing the same. Wall time: hyperfine's medians. CPU time (user + system, which a loaded machine
// disturbs less): medians of the same commands run interleaved again, each under bash's `times`
// (hyperfine gives only the mean, which one slow run moves). Env: BENCH_RUNS (default 30).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emitRow, skipRows } from './rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 30);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
if (!has('hyperfine')) {
  console.log('tsvirsh-start-bench: skipped, hyperfine is not installed');
  skipRows('hyperfine is not installed');
  process.exit(0);
}
const commands = [
  ['node -e 0', 'node -e 0'],
  ['node no-CA', 'env -u NODE_EXTRA_CA_CERTS node -e 0'],
  ['tsvirsh', `${join(root, 'tsvirsh')} -c test:///default list --all`],
  ...(has('virsh') ? [['virsh 9.0', 'virsh -c test:///default list --all']] : []),
];
/** The CPU seconds (user + system) of one run of `command`, as bash's `times` gives its child's. */
function cpuSeconds(command) {
  const r = spawnSync('bash', ['-c', `${command} >/dev/null 2>&1; times`], { encoding: 'utf8' });
  const [, um, us, sm, ss] = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(r.stdout.trim()) ?? [];
  if (um === undefined) throw new Error(`no times from bash for ${command}: ${r.stdout}${r.stderr}`);
  return Number(um) * 60 + Number(us) + Number(sm) * 60 + Number(ss);
}

const tmp = mkdtempSync(join(tmpdir(), 'tsvirsh-start-'));
try {
  const json = join(tmp, 'out.json');
  const r = spawnSync('hyperfine', ['-N', '--warmup', '3', '--runs', String(RUNS), '--export-json', json, ...commands.map(([, c]) => c)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`hyperfine failed: ${r.stderr}`);
  const results = JSON.parse(readFileSync(json, 'utf8')).results;
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const cpu = commands.map(() => []);
  for (let run = 0; run < RUNS; run++) {
    commands.forEach(([, c], i) => cpu[i].push(cpuSeconds(c)));
  }
  const rows = results.map((res, i) => ({
    label: commands[i][0],
    wall: median(res.times) * 1000,
    cpu: median(cpu[i]) * 1000,
  }));
  const [asRun, caFree] = rows;
  const ratios = (row, key) => `${(row[key] / asRun[key]).toFixed(2)}x / ${(row[key] / caFree[key]).toFixed(2)}x`;
  console.log(`cold start, ${RUNS} runs each (wall: hyperfine's medians; cpu: medians of interleaved runs), load average ${loadavg()[0].toFixed(1)} on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs`);
  console.log(`  ratios: against \`node -e 0\` as the environment runs it / against the CA-free \`node -e 0\` (NODE_EXTRA_CA_CERTS ${process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'not set'})`);
  for (const row of rows) {
    console.log(`  ${row.label.padEnd(11)} wall ${row.wall.toFixed(1).padStart(7)} ms (${ratios(row, 'wall')})` +
      `  cpu ${row.cpu.toFixed(1).padStart(6)} ms (${ratios(row, 'cpu')})`);
  }
  const ours = rows.find((row) => row.label === 'tsvirsh');
  const virsh = rows.find((row) => row.label === 'virsh 9.0');
  emitRow('cold-start', {
    tsvirt: ours.cpu, floor: caFree.cpu, libvirt: virsh?.cpu, unit: 'ms CPU',
    ...(virsh ? {} : { libvirtUnavailable: 'virsh is not installed' }),
    note: `CPU medians of ${RUNS} runs, the CA-free \`node -e 0\` ${caFree.cpu.toFixed(1)} ms; by wall ${(ours.wall / caFree.wall).toFixed(2)}× (${ours.wall.toFixed(1)} vs ${caFree.wall.toFixed(1)} ms)`,
  });
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
