// Live migration from tsvirt's privileged root (qemu:///system: /etc/tsvirt/qemu, /run/tsvirt/qemu,
// /var/lib/tsvirt/qemu, /var/log/tsvirt/qemu) to an embed root and back. tsvirsh runs in a mount
// namespace the test makes (unshare -m) where /etc and /var are overlays whose changes land in the
// test's directory and /run is a fresh tmpfs: the machine's own system root, if any, and other runs
// of this file are never touched, and nothing is left once the namespace's last process is gone.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainXml, TestRoot } from './helpers.js';
import { qemuMissing } from './qemu-run.js';
import type { VirshRun } from './tsvirsh.js';

const CLI = fileURLToPath(new URL('../../../tools/virsh/dist/bundle/cli.js', import.meta.url));
const SYSTEM = 'qemu:///system';
const NAME = `bcopy-sysmig-${process.pid}`;

// Mounting needs root; elsewhere the suite says why it skips, and in CI it never does.
const skip = process.getuid?.() !== 0 && process.env['CI'] !== 'true';
if (skip) console.log('migrate-system: skipped, a mount namespace for qemu:///system needs root');

let dir: string;
let embed: TestRoot;
/** The process that made the namespace and keeps it while the test runs. */
let holder: ChildProcess | undefined;

/** Makes the namespace: answers once its mounts are in place. */
function makeNamespace(): Promise<ChildProcess> {
  const overlay = (tree: string): string => {
    for (const d of ['upper', 'work']) mkdirSync(join(dir, tree, d), { recursive: true });
    return `mount -t overlay tsvirt-test -o lowerdir=/${tree},upperdir=${join(dir, tree, 'upper')},workdir=${join(dir, tree, 'work')} /${tree}`;
  };
  const script = `set -e; ${overlay('etc')}; ${overlay('var')}; mount -t tmpfs tsvirt-test /run; echo ready; exec sleep 3600`;
  const p = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.stdout.once('data', () => resolve(p));
    p.once('exit', (code) => reject(new Error(`the namespace was not made (${code}): ${err}`)));
  });
}

/** `tsvirsh -c URI ARGS...` inside the namespace. */
function inside(uri: string, ...args: string[]): Promise<VirshRun> {
  return new Promise((resolve) => {
    execFile('nsenter', ['--mount', '-t', String(holder!.pid), process.execPath, CLI, '-c', uri, ...args], { encoding: 'utf8' }, (err, stdout, stderr) => {
      resolve({ stdout, stderr, code: err ? Number((err as { code?: number }).code ?? 1) : 0 });
    });
  });
}

describe.skipIf(skip)('live migration between qemu:///system and an embed root', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `tsvirt-sysmig-${process.pid}-`));
    embed = new TestRoot();
    holder = await makeNamespace();
  });
  afterAll(async () => {
    if (holder) {
      // A domain a failed step left running on either side goes before the namespace does.
      await inside(SYSTEM, 'destroy', NAME);
      await inside(embed.uri, 'destroy', NAME);
      holder.kill();
    }
    await embed?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a running guest from the system root to the embed root and back', async () => {
    if (qemuMissing()) return;
    const file = join(dir, 'dom.xml');
    writeFileSync(file, domainXml(NAME));
    expect(await inside(SYSTEM, 'create', file)).toMatchObject({ code: 0 });
    expect((await inside(SYSTEM, 'list', '--name')).stdout).toBe(`${NAME}\n\n`);
    // The system root's files are the namespace's, never the machine's.
    expect(existsSync(`/run/tsvirt/qemu/${NAME}.json`)).toBe(false);

    expect(await inside(SYSTEM, 'migrate', '--live', NAME, embed.uri)).toMatchObject({ code: 0, stderr: '' });
    expect((await inside(embed.uri, 'domstate', '--reason', NAME)).stdout).toBe('running (migrated)\n\n');
    expect((await inside(SYSTEM, 'list', '--all', '--name')).stdout).toBe('\n');
    expect(embed.statuses().map((s) => s['name'])).toEqual([NAME]);

    expect(await inside(embed.uri, 'migrate', '--live', NAME, SYSTEM)).toMatchObject({ code: 0, stderr: '' });
    expect((await inside(SYSTEM, 'domstate', '--reason', NAME)).stdout).toBe('running (migrated)\n\n');
    expect((await inside(embed.uri, 'list', '--all', '--name')).stdout).toBe('\n');
    expect(embed.statuses()).toEqual([]);
    const completed = await inside(SYSTEM, 'domjobinfo', '--completed', NAME);
    expect(completed.stdout).toMatch(/^Job type: +Completed/);
    expect(await inside(SYSTEM, 'destroy', NAME)).toMatchObject({ code: 0 });
  }, 180_000);
});
