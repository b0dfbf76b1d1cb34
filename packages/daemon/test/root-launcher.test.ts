import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { canConnect } from './helpers/daemon-process.js';

const PKG = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAUNCHER = resolve(PKG, '../../tsvirtd');
const hasVirsh = existsSync('/usr/bin/virsh');

// Every other test starts dist/bundle/cli.js; the issue names `./tsvirtd` at the repository root
// (which builds first when stale, like ./tsvirsh) and the package's bin.
describe('./tsvirtd at the repository root and the package bin', () => {
  const dir = mkdtempSync(join(tmpdir(), `tsvirtd-launcher-${process.pid}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the package bin is the built CLI, a node script with its shebang', () => {
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    const bin = join(PKG, pkg.bin['tsvirtd']!);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(pkg.files).toContain('dist/bundle/**/*.js');
    const v = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8', timeout: 60_000 });
    expect(v.stdout).toMatch(/^tsvirtd \(tsvirt\) \d+\.\d+\.\d+\n$/);
  });

  it('./tsvirtd is executable, serves its root to Debian\'s virsh, and stops cleanly on SIGTERM', async () => {
    accessSync(LAUNCHER, constants.X_OK);
    const child = spawn(LAUNCHER, ['--root', join(dir, 'root'), '--socket-dir', dir], { stdio: ['ignore', 'ignore', 'pipe'] });
    const exit = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const sock = join(dir, 'tsvirt-sock');
      // the launcher may build first: as long as the bootstrap takes
      const end = Date.now() + 600_000;
      while (!(await canConnect(sock)) || !(await canConnect(join(dir, 'tsvirt-sock-ro')))) {
        if (child.exitCode !== null || Date.now() > end) throw new Error(`./tsvirtd did not listen (exit ${child.exitCode})`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(readFileSync(join(dir, 'root', 'run', 'tsvirtd.pid'), 'utf8')).toBe(`${child.pid}\n`);
      if (hasVirsh) {
        const r = spawnSync('/usr/bin/virsh', ['-c', `test+unix:///default?socket=${sock}`, 'list', '--all'], { encoding: 'utf8', timeout: 60_000 });
        expect(r.stdout).toBe(' Id   Name   State\n----------------------\n 1    test   running\n\n');
      }
      child.kill('SIGTERM');
      expect(await exit).toBe(0);
      expect(existsSync(sock)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 660_000);
});
