import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const oracle = join(dirname(fileURLToPath(import.meta.url)), 'oracle');

/** Runs the recorded virsh 9.0 cases through a binary; returns compare.mjs's counts and report. */
function compare(binary: string): { passed: number; failed: number; report: string } {
  const r = spawnSync(process.execPath, [join(oracle, 'compare.mjs'), '-q', binary], { encoding: 'utf8', timeout: 1_500_000 });
  const report = `${r.stdout}${r.stderr}`;
  const m = /(\d+) passed, (\d+) failed/.exec(report);
  if (!m) throw new Error(`compare.mjs printed no summary:\n${report}`);
  return { passed: Number(m[1]), failed: Number(m[2]), report };
}

describe('tsvirsh against virsh 9.0', { timeout: 1_500_000 }, () => {
  it("the recordings still match Debian's virsh", () => {
    const virsh = execFileSync('sh', ['-c', 'command -v virsh'], { encoding: 'utf8' }).trim();
    const { failed, report } = compare(virsh);
    expect(failed, report).toBe(0);
  });

  it('tsvirsh prints what virsh prints, byte for byte', () => {
    // virsh names itself in `-h` as it was invoked: tsvirsh run through a link named virsh, as a
    // drop-in replacement is, prints virsh's usage (without tsvirsh's own extras)
    const dir = mkdtempSync(join(tmpdir(), `tsvirsh-oracle-${process.pid}-`));
    const virsh = join(dir, 'virsh');
    symlinkSync(join(oracle, '../../dist/program/tsvirsh.cjs'), virsh);
    let result;
    try {
      result = compare(virsh);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { passed, failed, report } = result;
    console.log(report.split('\n').filter((l) => l.startsWith('FAIL') || / passed, /.test(l)).join('\n'));
    // A ratchet, raised as cases pass: the rest are listed by name in the report above.
    expect(passed, report).toBeGreaterThanOrEqual(1013);
    expect(failed).toBe(0);
  });
});
