#!/usr/bin/env node
// Run every case through a virsh-compatible binary and compare with the recordings.
//
//   node compare.mjs [BINARY] [--jobs N] [--quiet] [CASE-FILTER...]
//
// BINARY defaults to $TSVIRSH, else /work/main/tsvirsh. A positional argument is taken as
// the binary when it contains a "/" (e.g. /usr/bin/virsh, ./tsvirsh); other positional
// arguments select cases (exact name or substring). --quiet prints only failures.
// Exit code: 0 if all cases pass, 1 if any fails, 2 on usage errors.
import { resolve } from 'node:path';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { applyMasks, listCases, loadCase, pool, readExpected, runCase, unifiedDiff } from './lib.mjs';

function usage(msg) {
  if (msg) console.error(`compare.mjs: ${msg}`);
  console.error('usage: node compare.mjs [BINARY] [--jobs N] [--quiet] [CASE-FILTER...]');
  process.exit(2);
}

let binary = process.env.TSVIRSH || '/work/main/tsvirsh';
let jobs = Math.min(8, availableParallelism());
let quiet = false;
const filters = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--jobs' || a === '-j') jobs = Number(argv[++i]) || usage('--jobs needs a number');
  else if (a === '--binary') binary = argv[++i] ?? usage('--binary needs a path');
  else if (a === '--quiet' || a === '-q') quiet = true;
  else if (a === '--help' || a === '-h') usage();
  else if (a.startsWith('-')) usage(`unknown option ${a}`);
  else if (a.includes('/')) binary = a;
  else filters.push(a);
}
binary = resolve(binary); // the case runs in a temporary cwd
if (!existsSync(binary)) usage(`binary ${binary} does not exist (pass a path or set TSVIRSH)`);

const names = listCases(filters);
if (names.length === 0) usage('no case matches');

const results = await pool(names, jobs, async (name) => {
  const c = loadCase(name);
  const expected = readExpected(name);
  if (!expected) return { name, problems: ['no recording (run record.mjs)'] };
  const actual = await runCase(binary, c);
  const problems = [];
  if (actual.error) problems.push(actual.error);
  const exp = { stdout: applyMasks(c, expected.stdout), stderr: applyMasks(c, expected.stderr) };
  const act = { stdout: applyMasks(c, actual.stdout), stderr: applyMasks(c, actual.stderr) };
  for (const stream of ['stdout', 'stderr']) {
    const d = unifiedDiff(exp[stream], act[stream], `expected/${stream}`, `actual/${stream}`);
    if (d) problems.push(d.trimEnd());
  }
  if (actual.rc !== expected.rc) problems.push(`exit code: expected ${expected.rc}, got ${actual.rc}`);
  return { name, c, problems };
});

let passed = 0;
let failed = 0;
for (const r of results) {
  if (r.problems.length === 0) {
    passed++;
    if (!quiet) console.log(`PASS ${r.name}`);
    continue;
  }
  failed++;
  console.log(`FAIL ${r.name}`);
  if (r.c) console.log(`  args: ${JSON.stringify(r.c.args)}`);
  for (const p of r.problems) console.log(p.replace(/^/gm, '  '));
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
