// util's withFileLock (flock(2) held by the process's lock keeper) against a flock(1) process per
// lock (how util took it before) and an abstract-socket lock (driver-qemu's), uncontended, in one
// run. Prints milliseconds per lock and the ratios.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, closeSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from '../packages/util/dist/bundle/index.js';

const N = Number(process.env.N ?? 300);
const dir = mkdtempSync(join(tmpdir(), `tsvirt-lock-bench-${process.pid}-`));
const path = join(dir, 'a.lock');

/** flock(1) on a copy of our descriptor, one process per lock. */
async function flockProcess(fn) {
  const fd = openSync(path, 'a');
  try {
    await new Promise((resolve, reject) => {
      const c = spawn('flock', ['--exclusive', '3'], { stdio: ['ignore', 'ignore', 'inherit', fd] });
      c.on('error', reject);
      c.on('close', (s) => (s === 0 ? resolve() : reject(new Error(`flock ${s}`))));
    });
    await fn();
  } finally {
    closeSync(fd);
  }
}

/** A listening abstract unix socket as the lock (uncontended: listen, then close). */
async function abstractSocket(fn) {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ path: `\0tsvirt-lock-bench-${process.pid}`, exclusive: true }, resolve);
  });
  try {
    await fn();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

async function msPerLock(take) {
  await take(async () => {});
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await take(async () => {});
  return (performance.now() - t0) / N;
}

const keeper = await msPerLock((fn) => withFileLock(path, fn));
const proc = await msPerLock(flockProcess);
const socket = await msPerLock(abstractSocket);
rmSync(dir, { recursive: true, force: true });
console.log(`uncontended lock+unlock, ${N} each (ms per lock):`);
console.log(`  withFileLock (lock keeper)   ${keeper.toFixed(3)}`);
console.log(`  flock(1) process per lock    ${proc.toFixed(3)}   (${(proc / keeper).toFixed(1)}x the keeper)`);
console.log(`  abstract socket (in process) ${socket.toFixed(3)}   (the keeper is ${(keeper / socket).toFixed(1)}x it)`);
