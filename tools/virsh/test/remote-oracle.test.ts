import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const oracle = join(dirname(fileURLToPath(import.meta.url)), 'oracle');

// The remote driver is loaded as the registry loads it, never statically (the layering rule).
type Testing = typeof import('@tsvirt/remote/testing');
const testing = (await import('@tsvirt/remote/testing')) as Testing;
const missing = testing.libvirtdMissing();
if (missing) console.log(`remote oracle skipped: ${missing}`);
const suite = missing && process.env.CI !== 'true' ? describe.skip : describe;

/** The cases that differ over a daemon, and why (see packages/remote/README.md). */
const KNOWN = [
  // run as tsvirsh-node.sh, -h names the program tsvirsh and lists --json (the local oracle runs it as virsh)
  'opt-help',
  // libvirtd words this error with a stale errno of its worker thread ("Success" or another)
  'save-restore-bad',
];

// Every script with REMOTE_ORACLE=all (952 scripts, two processes each: about 40 minutes, too
// long beside the rest of CI's 90); one in four in CI, one in eight otherwise.
const ALL = process.env.REMOTE_ORACLE === 'all';
const EVERY = ALL ? 1 : process.env.CI === 'true' ? 4 : 8;

suite('tsvirsh over libvirtd (test+unix:///default) against virsh over the same daemon', { timeout: 3_600_000 }, () => {
  const daemons: Awaited<ReturnType<Testing['startLibvirtd']>>[] = [];
  beforeAll(async () => {
    for (let i = 0; i < 4; i++) daemons.push(await testing.startLibvirtd());
  });
  afterAll(async () => {
    await Promise.all(daemons.map((d) => d.stop()));
  });

  /** Replays the scripts (one in `every`, those matching `names` when given) through the daemons. */
  const replay = (every: number, names: string[] = []) => {
    const wrapper = join(oracle, 'tsvirsh-node.sh');
    const args = [join(oracle, 'remote-replay.mjs'), wrapper, daemons.map((d) => d.socket).join(','), '--quiet', `--every=${every}`, ...names];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 3_600_000 });
    const report = `${r.stdout}${r.stderr}`;
    const m = /(\d+) passed, (\d+) failed/.exec(report);
    if (!m) throw new Error(`remote-replay.mjs printed no summary:\n${report}`);
    const failing = [...report.matchAll(/^FAIL (\S+)$/gm)].map((x) => x[1]!);
    console.log(`${m[0]}${failing.length ? `: ${failing.join(' ')}` : ''}`);
    return { report, failing, passed: Number(m[1]) };
  };

  it('sends each public call its own procedure: every script of a call with an older form without flags', () => {
    const pairs = replay(1, ['dev-attach', 'dev-detach', 'mem-set', 'vcpu-set', 'vcpu-pin', 'schedinfo', 'net-define', 'net-create', 'virshtest-']);
    expect(pairs.failing, pairs.report).toEqual([]);
    expect(pairs.passed).toBeGreaterThan(30);
  });

  it('carries the domain control commands (send-process-signal, emulatorpin, domiftune, migrate ...)', () => {
    const control = replay(1, ['s4-']);
    expect(control.failing.filter((n) => !KNOWN.includes(n)), control.report).toEqual([]);
    expect(control.passed).toBeGreaterThanOrEqual(14);
  });

  it('prints the same bytes for every recorded script', () => {
    const { report, failing, passed } = replay(EVERY);
    // A ratchet, raised as cases pass
    expect(failing.filter((n) => !KNOWN.includes(n)), report).toEqual([]);
    if (ALL) expect(passed).toBeGreaterThanOrEqual(805);
  });
});
