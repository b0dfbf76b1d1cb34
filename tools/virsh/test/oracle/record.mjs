#!/usr/bin/env node
// Record the reference output of every case by running the real virsh.
//
//   node record.mjs [--virsh PATH] [--jobs N] [--no-check] [--prune] [CASE-FILTER...]
//
// For each cases/NAME.case this writes cases/NAME.stdout, NAME.stderr (masked) and NAME.rc.
// Unless --no-check is given every case is run twice and must give identical (masked) output,
// otherwise it is reported as nondeterministic and not written (exit code 1).
// --prune deletes .stdout/.stderr/.rc files that have no .case any more.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { applyMasks, CASES_DIR, expectedPaths, listCases, loadCase, pool, runCase, unifiedDiff } from './lib.mjs';

function usage(msg) {
  if (msg) console.error(`record.mjs: ${msg}`);
  console.error('usage: node record.mjs [--virsh PATH] [--jobs N] [--no-check] [--prune] [CASE-FILTER...]');
  process.exit(2);
}

let virsh = process.env.VIRSH || '/usr/bin/virsh';
let jobs = Math.min(8, availableParallelism());
let check = true;
let prune = false;
const filters = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--virsh') virsh = argv[++i] ?? usage('--virsh needs a path');
  else if (a === '--jobs' || a === '-j') jobs = Number(argv[++i]) || usage('--jobs needs a number');
  else if (a === '--no-check') check = false;
  else if (a === '--prune') prune = true;
  else if (a === '--help' || a === '-h') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else filters.push(a);
}
virsh = resolve(virsh); // the case runs in a temporary cwd
if (!existsSync(virsh)) usage(`${virsh} does not exist`);

const names = listCases(filters);
if (names.length === 0) usage('no case matches');

let failures = 0;
const results = await pool(names, jobs, async (name) => {
  const c = loadCase(name);
  const runs = [await runCase(virsh, c)];
  if (check) runs.push(await runCase(virsh, c));
  return { name, c, runs };
});

for (const { name, c, runs } of results) {
  const masked = runs.map((r) => ({ stdout: applyMasks(c, r.stdout), stderr: applyMasks(c, r.stderr), rc: r.rc, error: r.error }));
  const [first, second] = masked;
  if (first.error) {
    console.log(`ERROR ${name}: ${first.error}`);
    failures++;
    continue;
  }
  if (typeof first.rc !== 'number') {
    console.log(`ERROR ${name}: virsh ended abnormally (${first.rc})`);
    failures++;
    continue;
  }
  if (second && (second.stdout !== first.stdout || second.stderr !== first.stderr || second.rc !== first.rc)) {
    console.log(`NONDETERMINISTIC ${name}: two runs differ after masking; add a mask: line`);
    process.stdout.write(unifiedDiff(first.stdout, second.stdout, 'run1/stdout', 'run2/stdout'));
    process.stdout.write(unifiedDiff(first.stderr, second.stderr, 'run1/stderr', 'run2/stderr'));
    if (first.rc !== second.rc) console.log(`rc: ${first.rc} vs ${second.rc}`);
    failures++;
    continue;
  }
  if (applyMasks(c, first.stdout) !== first.stdout || applyMasks(c, first.stderr) !== first.stderr) {
    console.log(`BADMASK ${name}: masks are not idempotent (a mask matches its own ${'<MASKED>'} output)`);
    failures++;
    continue;
  }
  const p = expectedPaths(name);
  writeFileSync(p.stdout, first.stdout);
  writeFileSync(p.stderr, first.stderr);
  writeFileSync(p.rc, `${first.rc}\n`);
  console.log(`recorded ${name} (rc=${first.rc})`);
}

// Recordings whose .case is gone.
const known = new Set(listCases());
const orphans = readdirSync(CASES_DIR).filter((f) => {
  const m = /^(.*)\.(stdout|stderr|rc)$/.exec(f);
  return m && !known.has(m[1]);
});
for (const f of orphans) {
  if (prune) {
    rmSync(join(CASES_DIR, f));
    console.log(`pruned ${f}`);
  } else {
    console.log(`warning: orphan recording ${f} (use --prune to delete)`);
  }
}

console.log(`${results.length - failures} recorded, ${failures} failed`);
process.exit(failures ? 1 : 0);
