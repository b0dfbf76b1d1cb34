// What the QEMU benches share: root and libvirtd checks, and the two sides they time, tsvirsh on an
// embedded root and virsh on Debian's libvirtd 9.0 (qemu:///system). Not a bench itself (run.mjs
// runs only *-bench.mjs).
import { execFileSync, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { skipRows } from './rows.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'tools/virsh/dist/bundle/cli.js');

/** Exits (skipped) unless root; starts libvirtd; answers whether libvirt's side can be measured. */
export function libvirtSide(bench, why) {
  if (process.getuid?.() !== 0) {
    console.log(`${bench}: needs root (${why}); skipped`);
    skipRows(`needs root (${why})`);
    process.exit(0);
  }
  try {
    execFileSync(join(root, 'packages/driver-qemu/scripts/libvirtd-up.sh'), { stdio: 'inherit' });
    return true;
  } catch {
    console.log(`${bench}: libvirtd does not answer on qemu:///system; measuring tsvirt alone, without ratios`);
    return false;
  }
}

/** `./tsvirsh`, the program (with its code caches) as a user runs it. */
export const TSVIRSH = join(root, 'tsvirsh');

/**
 * The sides' command lines and helpers: `run` times one invocation (throwing on failure), `quiet`
 * ignores the outcome. tsvirt's side is the CLI's bundle, or `./tsvirsh` with `asUsersRunIt`.
 */
export function qemuSides(embedUri, haveLibvirt, { asUsersRunIt = false } = {}) {
  const tsvirsh = asUsersRunIt ? [TSVIRSH, []] : [process.execPath, [CLI]];
  const sides = {
    tsvirt: (...args) => [tsvirsh[0], [...tsvirsh[1], '-c', embedUri, ...args]],
    ...(haveLibvirt ? { libvirt: (...args) => ['virsh', ['-c', 'qemu:///system', ...args]] } : {}),
  };
  const run = (side, ...args) => {
    const [cmd, argv] = sides[side](...args);
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, argv, { encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    if (r.status !== 0) throw new Error(`${side} ${args.join(' ')}: ${r.stderr.trim()}`);
    return ms;
  };
  const quiet = (side, ...args) => spawnSync(...sides[side](...args), { encoding: 'utf8' });
  /** One timed invocation with its CPU: `{ ms, cpuMs }` (see WAIT4). */
  const measure = (side, ...args) => {
    const [cmd, argv] = sides[side](...args);
    const r = spawnSync('python3', ['-c', WAIT4, cmd, ...argv], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${side} ${args.join(' ')}: ${r.stderr.trim()}`);
    const [ms, cpuMs] = r.stderr.trim().split('\n').pop().split(' ').map(Number);
    return { ms, cpuMs };
  };
  return { sides, run, quiet, measure };
}

/**
 * Runs a command and prints its wall time and the CPU of it and the children it waited for, in
 * milliseconds, as its last line on stderr. Node cannot read a child's resource use (wait4), and
 * /proc's children times count in 10 ms ticks; Python's os.wait4 gives microseconds.
 */
const WAIT4 = `
import os, sys, time
t0 = time.monotonic()
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_, st, ru = os.wait4(pid, 0)
wall = (time.monotonic() - t0) * 1000
sys.stderr.write(f"{wall:.3f} {(ru.ru_utime + ru.ru_stime) * 1000:.3f}\\n")
sys.exit(os.waitstatus_to_exitcode(st))
`;

export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
