// Steps run through Debian's virsh on libvirtd 9.0 (qemu:///system) and through tsvirsh, compared
// once each side's directory (and whatever else `mask` hides) is masked.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { tsvirsh, type VirshRun } from './tsvirsh.js';

/** `virsh -c qemu:///system ARGS...`, as the oracle side runs. */
export function systemVirsh(args: readonly string[]): VirshRun {
  const r = spawnSync('virsh', ['-c', 'qemu:///system', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? 1 };
}

/** libvirtd's system instance needs root; elsewhere an oracle suite says why it skips, and in CI it never does. */
export function oracleSkipped(suite: string): boolean {
  const skip = process.getuid?.() !== 0 && process.env['CI'] !== 'true';
  if (skip) console.log(`${suite}: skipped, starting libvirtd for qemu:///system needs root`);
  return skip;
}

/** A step whose two answers differ. */
export interface StepDiff {
  readonly step: string;
  readonly ours: VirshRun;
  readonly theirs: VirshRun;
}

/** Where each side works and how its answers are masked. */
export interface OracleSides {
  readonly uri: string;
  readonly theirs: string;
  readonly ours: string;
  readonly mask: (text: string, dir: string) => string;
}

/** Runs each step on both sides (`DIR` standing for the side's directory); the steps that differ, and libvirt's stdout. */
export async function compareSteps(sides: OracleSides, steps: readonly string[][]): Promise<{ differ: StepDiff[]; transcript: string }> {
  const masked = (r: VirshRun, dir: string): VirshRun => ({ stdout: sides.mask(r.stdout, dir), stderr: sides.mask(r.stderr, dir), code: r.code });
  const differ: StepDiff[] = [];
  let transcript = '';
  for (const step of steps) {
    const a = masked(systemVirsh(step.map((w) => w.replaceAll('DIR', sides.theirs))), sides.theirs);
    const b = masked(await tsvirsh(sides.uri, ...step.map((w) => w.replaceAll('DIR', sides.ours))), sides.ours);
    if (JSON.stringify(a) !== JSON.stringify(b)) differ.push({ step: step.join(' '), ours: b, theirs: a });
    transcript += a.stdout;
  }
  return { differ, transcript };
}

/**
 * Removes a domain a suite made on the system libvirtd, running or not; with its managed save image
 * and snapshot/checkpoint metadata, which a suite that failed half-way may have left (a plain
 * undefine refuses then, and the domain would stay defined).
 */
export function forgetSystemDomain(name: string): void {
  systemVirsh(['destroy', name]);
  systemVirsh(['undefine', '--managed-save', '--snapshots-metadata', '--checkpoints-metadata', name]);
}

/** Both sides' directories under a test root (`lv` for libvirtd, `ts` for tsvirt), each made by `prepare`; answers masked by `mask`, the side's directory as DIR by default. */
export function prepareSides(root: { readonly uri: string; readonly dir: string }, prepare: (dir: string) => void, mask = (text: string, dir: string): string => text.replaceAll(dir, 'DIR')): OracleSides {
  const sides = { uri: root.uri, theirs: join(root.dir, 'lv'), ours: join(root.dir, 'ts'), mask };
  prepare(sides.theirs);
  prepare(sides.ours);
  return sides;
}
