#!/usr/bin/env node
// Replays every case through a libvirt daemon: each `test:///...` URI of a case becomes
// `test+unix:///...?socket=SOCKET`, and Debian's virsh and tsvirsh run it against the same daemon,
// one case at a time per daemon (the daemon's test driver starts afresh when its last connection
// closes). Their stdout, stderr and exit code must be the same bytes.
//
//   node remote-replay.mjs TSVIRSH SOCKET[,SOCKET...] [--quiet] [--every=N] [CASE-FILTER...]
//
// Several sockets (daemons) share the cases out; `--every=N` takes one case in N (by name order).
// Prints FAIL blocks and `N passed, M failed`.
import { applyMasks, listCases, loadCase, runCase, unifiedDiff } from './lib.mjs';

const [tsvirsh, socketList, ...rest] = process.argv.slice(2);
if (!tsvirsh || !socketList) {
  console.error('usage: node remote-replay.mjs TSVIRSH SOCKET[,SOCKET...] [--quiet] [CASE-FILTER...]');
  process.exit(2);
}
const quiet = rest.includes('--quiet');
const sockets = socketList.split(',');
const every = Number(rest.find((a) => a.startsWith('--every='))?.slice('--every='.length) ?? 1);
const names = listCases(rest.filter((a) => !a.startsWith('--'))).filter((_, i) => i % every === 0);

/** The case's test:/// URIs pointed at a daemon's socket. */
const viaDaemon = (text, socket) =>
  text.replace(/test:\/\/\/([^\s"';]*)/g, (_, path) => `test+unix:///${path}${path.includes('?') ? '&' : '?'}socket=${socket}`);

const results = [];
const queues = sockets.map((_, i) => names.filter((_, j) => j % sockets.length === i));
await Promise.all(queues.map(async (queue, i) => {
  const socket = sockets[i];
  for (const name of queue) {
    const c0 = loadCase(name);
    const c = {
      ...c0,
      args: c0.args.map((a) => viaDaemon(a, socket)),
      env: Object.fromEntries(Object.entries(c0.env).map(([k, v]) => [k, viaDaemon(v, socket)])),
    };
    const expected = await runCase('/usr/bin/virsh', c);
    const actual = await runCase(tsvirsh, c);
    const norm = (s) => applyMasks(c, s).replaceAll(socket, '{{socket}}');
    const problems = [];
    for (const stream of ['stdout', 'stderr']) {
      const d = unifiedDiff(norm(expected[stream]), norm(actual[stream]), `virsh/${stream}`, `tsvirsh/${stream}`);
      if (d) problems.push(d.trimEnd());
    }
    if (expected.rc !== actual.rc) problems.push(`exit code: virsh ${expected.rc}, tsvirsh ${actual.rc}`);
    results.push({ name, problems });
  }
}));
results.sort((a, b) => a.name.localeCompare(b.name));
let passed = 0;
for (const r of results) {
  if (r.problems.length === 0) {
    passed++;
    if (!quiet) console.log(`PASS ${r.name}`);
  } else console.log(`FAIL ${r.name}\n${r.problems.join('\n')}`);
}
console.log(`${passed} passed, ${results.length - passed} failed`);
