import { spawn, spawnSync } from 'node:child_process';
import { accessSync, chmodSync, constants, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canConnect } from './helpers/daemon-process.js';
import { watchChild } from '@tsvirt/api/testing';

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
    const launched = watchChild('./tsvirtd', child);
    try {
      const sock = join(dir, 'tsvirt-sock');
      // the launcher may build first: as long as the bootstrap takes
      const end = Date.now() + 600_000;
      while (!(await canConnect(sock)) || !(await canConnect(join(dir, 'tsvirt-sock-ro')))) {
        if (child.exitCode !== null || Date.now() > end) throw new Error(`./tsvirtd did not listen (exit ${child.exitCode}): ${launched.stderr}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(readFileSync(join(dir, 'root', 'run', 'tsvirtd.pid'), 'utf8')).toBe(`${child.pid}\n`);
      if (hasVirsh) {
        const r = spawnSync('/usr/bin/virsh', ['-c', `test+unix:///default?socket=${sock}`, 'list', '--all'], { encoding: 'utf8', timeout: 60_000 });
        expect(r.stdout).toBe(' Id   Name   State\n----------------------\n 1    test   running\n\n');
      }
      child.kill('SIGTERM');
      expect((await launched.exited(60_000)).code).toBe(0);
      expect(existsSync(sock)).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
  }, 660_000);
});

/**
 * The launcher's own decision, in a copy of it inside a scratch checkout: it rebuilds (runs
 * `scripts/bootstrap`, its output on stderr, then touches the CLI) when the CLI is missing, when
 * node_modules is, or when a file under some `src/` of packages/ or tools/ is newer than the CLI
 * (node_modules pruned), and otherwise starts the CLI at once. The bootstrap here stands in for the
 * real one (which installs and builds the whole workspace, minutes; CI's fresh clone runs it): it
 * records each run and writes a CLI that prints its arguments.
 */
describe('./tsvirtd rebuilds only when stale', () => {
  const tree = mkdtempSync(join(tmpdir(), `tsvirtd-stale-${process.pid}-`));
  afterAll(() => rmSync(tree, { recursive: true, force: true }));
  const cli = join(tree, 'packages/daemon/dist/bundle/cli.js');
  const runs = join(tree, 'bootstrap-runs');
  const src = join(tree, 'packages/daemon/src/cli.ts');
  /** Sets a file's times `secondsAgo` in the past (the launcher compares with find -newer). */
  const age = (path: string, secondsAgo: number) => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    utimesSync(path, t, t);
  };
  const launch = () => spawnSync(join(tree, 'tsvirtd'), ['--root', '/r', '-t', '5'], { encoding: 'utf8', timeout: 60_000 });
  const bootstraps = () => (existsSync(runs) ? readFileSync(runs, 'utf8').split('\n').filter(Boolean).length : 0);

  beforeAll(() => {
    copyFileSync(LAUNCHER, join(tree, 'tsvirtd'));
    chmodSync(join(tree, 'tsvirtd'), 0o755);
    for (const d of ['scripts', 'node_modules', 'packages/daemon/src', 'tools/virsh/src', 'packages/daemon/node_modules/x/src']) mkdirSync(join(tree, d), { recursive: true });
    writeFileSync(join(tree, 'scripts/bootstrap'), `#!/usr/bin/env bash
set -euo pipefail
echo run >> "${runs}"
echo "bootstrap: building"
[ ! -e "${tree}/fail" ] || exit 3
mkdir -p "$(dirname "${cli}")"
echo 'console.log(JSON.stringify(process.argv.slice(2)))' > "${cli}"
`, { mode: 0o755 });
    writeFileSync(src, '');
  });

  it('no CLI yet: bootstraps (its output on stderr), then runs the CLI with the arguments', () => {
    const r = launch();
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('["--root","/r","-t","5"]\n');
    expect(r.stderr).toBe('bootstrap: building\n');
    expect(bootstraps()).toBe(1);
  });

  it('built and nothing newer: starts at once, without bootstrapping', () => {
    age(src, 60);
    expect(launch()).toMatchObject({ status: 0, stdout: '["--root","/r","-t","5"]\n', stderr: '' });
    expect(bootstraps()).toBe(1);
  });

  it('a source newer than the CLI (packages/ or tools/): rebuilds; a file under node_modules does not count', () => {
    age(cli, 30);
    writeFileSync(join(tree, 'packages/daemon/node_modules/x/src/new.ts'), '');
    expect(launch().stderr).toBe('');
    expect(bootstraps()).toBe(1);
    writeFileSync(join(tree, 'tools/virsh/src/new.ts'), '');
    expect(launch()).toMatchObject({ status: 0, stderr: 'bootstrap: building\n' });
    expect(bootstraps()).toBe(2);
    // the CLI was touched: the same source is no longer newer
    expect(launch().stderr).toBe('');
    expect(bootstraps()).toBe(2);
  });

  it('node_modules missing: rebuilds', () => {
    rmSync(join(tree, 'node_modules'), { recursive: true });
    expect(launch()).toMatchObject({ status: 0, stderr: 'bootstrap: building\n' });
    expect(bootstraps()).toBe(3);
    mkdirSync(join(tree, 'node_modules'));
  });

  it('a bootstrap that fails stops the launch with its exit code; the CLI is not run', () => {
    writeFileSync(join(tree, 'fail'), '');
    age(cli, 30);
    writeFileSync(src, 'changed');
    const r = launch();
    expect(r).toMatchObject({ status: 3, stdout: '', stderr: 'bootstrap: building\n' });
    expect(bootstraps()).toBe(4);
  });
});
